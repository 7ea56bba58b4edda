// CPNG — libpng for decoding X-ray PNGs.
#ifndef MORE_CPNG_SHIM_H
#define MORE_CPNG_SHIM_H
#include <png.h>
#endif
