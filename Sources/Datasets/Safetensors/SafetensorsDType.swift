// SafetensorsDType — the element types this project reads from safetensors files, and their
// exact conversion to Float32.
//
//   F32   IEEE binary32, copied
//   F16   IEEE binary16 → Float32, exact (every half is a float)
//   BF16  bfloat16 → Float32, exact (bits << 16)
//   I64   signed 64-bit integer → Float32 rounded to nearest (also kept exactly as [Int64])
//
// All little-endian, as the format prescribes. Deliberately not here: the other dtypes of the
// format (F64, I32, I16, I8, U8, BOOL, F8_*); a file using them is rejected with a DataError
// naming the tensor, since no checkpoint this project loads needs them.

/// A supported safetensors element type.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .i64: return 8
        }
    }

    /// The list shown in error messages.
    static let supportedList = "F32, F16, BF16 or I64"

    /// Converts `count` little-endian elements at `src` to Float32 at `dst`.
    /// `src` needs no alignment.
    func convert(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: 4 * count)
            #else
            for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            #endif
        case .f16:
            for i in 0..<count { dst[i] = halfToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            for i in 0..<count {
                dst[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        case .i64:
            for i in 0..<count { dst[i] = Float(Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
        }
    }
}

/// IEEE binary16 → binary32, exact for every input (normals, subnormals, ±0, ±inf, NaN payloads).
///
/// value = (−1)^s · 2^(e−15) · (1 + m/1024) for 0 < e < 31; (−1)^s · 2^−14 · m/1024 for e = 0.
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }   // inf / NaN
    if exponent != 0 { return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13)) }
    // Subnormal half (or zero): m · 2^−24, exact in binary32.
    let magnitude = Float(mantissa) * 0x1p-24
    return sign != 0 ? -magnitude : magnitude
}
