// CPNG — libpng for decoding X-ray PNGs.
//
// Swift uses only libpng's "simplified API" (png_image_begin_read_from_file /
// png_image_finish_read / png_image_free), which reports errors through a return value and
// `image.message` instead of setjmp/longjmp, so no C glue is needed.
#ifndef MORE_CPNG_SHIM_H
#define MORE_CPNG_SHIM_H
#include <png.h>
#endif
