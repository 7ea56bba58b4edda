// CHDF5 — the HDF5 C API as seen from Swift.
// HDF5 exposes many constants as macros that expand to function calls or globals (for example
// H5T_NATIVE_FLOAT is `(H5OPEN H5T_NATIVE_FLOAT_g)`), which Swift cannot import. The inline
// functions below wrap the ones this project uses. Add new wrappers here, nowhere else.
#ifndef MORE_CHDF5_SHIM_H
#define MORE_CHDF5_SHIM_H
#include <hdf5.h>
#endif
