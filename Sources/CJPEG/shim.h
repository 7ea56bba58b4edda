// CJPEG — libjpeg-turbo for decoding X-ray JPEGs. jpeglib.h needs stdio.h first.
//
// libjpeg reports errors by calling `error_exit`, which must not return; the usual recovery is
// setjmp/longjmp, which Swift cannot do. So the whole decode runs in the C function below: it
// installs an error manager that longjmps back into the same C frame and returns a non-zero code
// with libjpeg's message instead of exiting the process. Swift calls only `more_jpeg_decode` and
// `more_jpeg_free`. Output: 8-bit samples, 1 component for grayscale JPEGs, else 3 (RGB), with
// libjpeg's defaults (JDCT_ISLOW, fancy upsampling) — the settings Pillow uses when it decodes.
#ifndef MORE_CJPEG_SHIM_H
#define MORE_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

struct more_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
};

static inline void more_jpeg_error_exit(j_common_ptr cinfo) {
    struct more_jpeg_error *err = (struct more_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

/// Warnings are silent, except "premature end of data", which libjpeg papers over with grey
/// rows: it is recorded so that a truncated file is an error (as in Pillow) rather than an image.
static inline void more_jpeg_emit(j_common_ptr cinfo, int level) {
    struct more_jpeg_error *err = (struct more_jpeg_error *)cinfo->err;
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF && !err->truncated) {
        err->truncated = 1;
        (*cinfo->err->format_message)(cinfo, err->message);
    }
}

/// Decodes a JPEG held in memory. On success returns 0 and sets *pixels (malloc'ed, free with
/// more_jpeg_free), *width, *height, *components (1 or 3). On failure returns 1 or 2 and copies
/// libjpeg's message into `message` (2: the data ended early) (at most `message_size` bytes, NUL-terminated).
/// Returns 3, with *width and *height set to the header's size and nothing allocated, when the
/// header claims more than `max_pixels` pixels (a decompression bomb: a few bytes claiming
/// 65500 × 65500 would otherwise make it allocate gigabytes).
static inline int more_jpeg_decode(const unsigned char *data, unsigned long size,
                                   unsigned char **pixels, int *width, int *height, int *components,
                                   unsigned long long max_pixels, char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    struct more_jpeg_error jerr;
    unsigned char *volatile out = NULL;
    *pixels = NULL;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = more_jpeg_error_exit;
    jerr.pub.emit_message = more_jpeg_emit;
    jerr.truncated = 0;
    jerr.message[0] = 0;
    if (setjmp(jerr.jump)) {
        if (message_size > 0) { strncpy(message, jerr.message, message_size - 1); message[message_size - 1] = 0; }
        jpeg_destroy_decompress(&cinfo);
        free(out);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    if ((unsigned long long)cinfo.image_width * (unsigned long long)cinfo.image_height > max_pixels) {
        *width = (int)cinfo.image_width;
        *height = (int)cinfo.image_height;
        jpeg_destroy_decompress(&cinfo);
        return 3;
    }
    if (cinfo.num_components == 1) {
        cinfo.out_color_space = JCS_GRAYSCALE;
    } else {
        cinfo.out_color_space = JCS_RGB;
    }
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    out = (unsigned char *)malloc(stride * cinfo.output_height);
    if (!out) {
        if (message_size > 0) { strncpy(message, "out of memory", message_size - 1); message[message_size - 1] = 0; }
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    *components = cinfo.output_components;
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (jerr.truncated) {
        if (message_size > 0) { strncpy(message, jerr.message, message_size - 1); message[message_size - 1] = 0; }
        free(out);
        return 2;
    }
    *pixels = out;
    return 0;
}

static inline void more_jpeg_free(unsigned char *pixels) { free(pixels); }

#endif
