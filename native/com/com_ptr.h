// ComPtr: the one owner of one COM reference. Move-only, so a reference cannot be duplicated
// by accident; copies are explicit (`share()`, which AddRefs) so every AddRef has one Release.
#pragma once

#include <utility>

#include "abi.h"

namespace wsb {

template <class T>
class ComPtr {
 public:
  ComPtr() noexcept = default;
  ComPtr(const ComPtr&) = delete;
  ComPtr& operator=(const ComPtr&) = delete;
  ComPtr(ComPtr&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
  ComPtr& operator=(ComPtr&& other) noexcept {
    if (this != &other) {
      reset();
      ptr_ = std::exchange(other.ptr_, nullptr);
    }
    return *this;
  }
  ~ComPtr() { reset(); }

  // Takes over a reference the caller already owns (an out-parameter of a COM call).
  static ComPtr adopt(T* owned) noexcept {
    ComPtr result;
    result.ptr_ = owned;
    return result;
  }

  // A second owner of the same object: one AddRef now, one Release when it goes.
  ComPtr share() const noexcept {
    if (ptr_ != nullptr) ptr_->AddRef();
    return adopt(ptr_);
  }

  // QueryInterface for U; null (and the HRESULT in *result) when the object does not expose it.
  template <class U>
  ComPtr<U> query(HRESULT* result) const noexcept {
    void* raw = nullptr;
    *result = ptr_ == nullptr ? kE_POINTER : ptr_->QueryInterface(InterfaceId<U>::value, &raw);
    // An object that fails QueryInterface but still writes a pointer breaks the rules; the
    // reference it may carry is not ours to trust, so only a success is adopted.
    return SUCCEEDED(*result) ? ComPtr<U>::adopt(static_cast<U*>(raw)) : ComPtr<U>();
  }

  void reset() noexcept {
    if (T* old = std::exchange(ptr_, nullptr)) old->Release();
  }

  // For out-parameters: releases what is held and hands the slot to the callee.
  T** put() noexcept {
    reset();
    return &ptr_;
  }

  T* get() const noexcept { return ptr_; }
  T* operator->() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  T* ptr_ = nullptr;
};

}  // namespace wsb
