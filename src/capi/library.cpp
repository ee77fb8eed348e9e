// The shared library's own translation unit. All of the C API lives in
// otto_core, linked in whole; this file exists so the library target has a
// source of its own and documents where the exported surface is defined:
// include/otto.h, implemented by capi/*_api.cpp.
#include "otto.h"
