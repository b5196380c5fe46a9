#include "system_message.h"

#ifdef _WIN32
#include <memory>

#include "wide_string.h"
#endif

namespace wsb {

#ifdef _WIN32
std::string systemMessage(HRESULT hresult) {
  LPWSTR buffer = nullptr;
  const DWORD length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                                      static_cast<DWORD>(hresult), 0, reinterpret_cast<LPWSTR>(&buffer), 0, nullptr);
  const std::unique_ptr<WCHAR, decltype(&LocalFree)> owned(buffer, &LocalFree);
  std::string text;
  if (length == 0 || toUtf8(WStringView(buffer, length), &text) != TextError::kNone) return {};
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}
#else
std::string systemMessage(HRESULT) { return {}; }
#endif

}  // namespace wsb
