{
  "targets": [
    {
      "target_name": "wsbapp",
      "sources": [
        "native/bridge/addon.cc",
        "native/bridge/addin_handle.cc",
        "native/bridge/completions.cc",
        "native/bridge/js_values.cc",
        "native/bridge/machine.cc",
        "native/bridge/operation_handle.cc",
        "native/bridge/runtime_handle.cc",
        "native/bridge/scenario_arg.cc",
        "native/bridge/vss_handle.cc",
        "native/bridge/wake_policy.cc",
        "native/com/apartment.cc",
        "native/com/machine_win32.cc",
        "native/com/runtime_win32.cc",
        "native/com/system_message.cc",
        "native/com/task_memory_posix.cc",
        "native/com/vss_backup.cc",
        "native/com/vss_bstr.cc",
        "native/com/vss_win32.cc",
        "native/com/wide_string.cc",
        "native/com/wsb_calls.cc",
        "native/mock/fake_vss.cc",
        "native/mock/mock_addin.cc",
        "native/mock/mock_host.cc",
        "native/mock/mock_runtime.cc",
        "native/scenario/behaviour.cc",
        "native/scenario/model.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "conditions": [
        ["OS=='win'", {
          "defines": ["WIN32_LEAN_AND_MEAN", "NOMINMAX", "UNICODE", "_UNICODE"],
          "libraries": ["ole32.lib", "oleaut32.lib", "advapi32.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "AdditionalOptions": ["/std:c++17", "/permissive-", "/W4", "/utf-8"]
            }
          }
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "WARNING_CFLAGS": ["-Wall", "-Wextra"]
          }
        }]
      ]
    }
  ]
}
