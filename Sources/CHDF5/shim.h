// CHDF5 — the HDF5 C API as seen from Swift.
// HDF5 exposes many constants as macros that expand to function calls or globals (for example
// H5T_NATIVE_FLOAT is `(H5OPEN H5T_NATIVE_FLOAT_g)`), which Swift cannot import. The inline
// functions below wrap the ones this project uses. Add new wrappers here, nowhere else.
// Deliberately not here: any logic beyond exposing a macro or walking a C callback API; the
// Swift side (Sources/Datasets/HDF5/) owns handles, errors and the schema.
#ifndef MORE_CHDF5_SHIM_H
#define MORE_CHDF5_SHIM_H
#include <hdf5.h>
#include <string.h>

// ---- constants hidden behind macros -------------------------------------------------------
static inline hid_t more_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t more_H5S_ALL(void) { return H5S_ALL; }
static inline hsize_t more_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline size_t more_H5T_VARIABLE(void) { return H5T_VARIABLE; }

static inline unsigned more_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned more_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned more_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned more_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }

static inline hid_t more_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t more_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t more_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t more_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t more_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t more_H5T_C_S1(void) { return H5T_C_S1; }

static inline hid_t more_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t more_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t more_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t more_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t more_H5P_ATTRIBUTE_CREATE(void) { return H5P_ATTRIBUTE_CREATE; }

// ---- error stack ----------------------------------------------------------------------------
/// Stops HDF5 from printing its error stack to stderr (the Swift side reports DataErrors).
static inline void more_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char *buf; size_t size; int taken; } more_h5_error_sink;

static herr_t more_h5_error_walker(unsigned n, const H5E_error2_t *err, void *data) {
    more_h5_error_sink *sink = (more_h5_error_sink *)data;
    (void)n;
    if (sink->taken || err == NULL || err->desc == NULL || err->desc[0] == '\0') return 0;
    strncpy(sink->buf, err->desc, sink->size - 1);
    sink->buf[sink->size - 1] = '\0';
    sink->taken = 1;
    return 0;
}

/// Copies the innermost message of the current error stack into `buf` (empty if none) and
/// clears the stack. Returns the number of characters copied.
static inline size_t more_h5_take_error(char *buf, size_t size) {
    if (size == 0) return 0;
    buf[0] = '\0';
    more_h5_error_sink sink = { buf, size, 0 };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, more_h5_error_walker, &sink);
    H5Eclear2(H5E_DEFAULT);
    return strlen(buf);
}

// ---- attributes -----------------------------------------------------------------------------
static herr_t more_h5_attr_counter(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
    (void)loc; (void)name; (void)info;
    *(hsize_t *)data += 1;
    return 0;
}

/// Number of attributes attached to an object (file root, group or dataset); -1 on error.
static inline long long more_h5_attribute_count(hid_t obj) {
    hsize_t count = 0;
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, more_h5_attr_counter, &count) < 0) return -1;
    return (long long)count;
}

// ---- variable-length memory -------------------------------------------------------------------
/// Frees the strings HDF5 allocated while reading variable-length data into `buf`.
/// (1.10 headers declare H5Treclaim but its library does not export it.)
static inline herr_t more_h5_reclaim(hid_t type, hid_t space, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
    return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

#endif
