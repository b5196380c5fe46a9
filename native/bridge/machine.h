// binding.readRegistryKey(path) and binding.processImages(): the machine read natively for vet,
// list and doctor (lib/machine/). Exported by Windows builds only; elsewhere there is nothing to
// read and lib/machine/ falls back to the programs.
#pragma once

#include <napi.h>

namespace wsb::bridge {

void exportMachine(Napi::Env env, Napi::Object exports);

}  // namespace wsb::bridge
