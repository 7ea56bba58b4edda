// CJPEG — libjpeg-turbo for decoding X-ray JPEGs. jpeglib.h needs stdio.h first.
#ifndef MORE_CJPEG_SHIM_H
#define MORE_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#endif
