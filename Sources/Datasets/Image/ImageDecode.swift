// ImageDecode — JPEG (libjpeg-turbo) and PNG (libpng) files → 8-bit grayscale, as Pillow's
// `Image.open(path).convert('L')` gives them.
//
// Colour images are converted with Pillow's ITU-R 601-2 luma in 16-bit fixed point:
//   L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16      (= R·299/1000 + G·587/1000 + B·114/1000, rounded)
// JPEGs are decoded to RGB (or gray when the file has one component) with libjpeg's default
// settings, the ones Pillow uses, so the samples are identical. PNGs go through libpng's
// simplified API: 8-bit gray files are read as they are, colour files as 8-bit RGB then the formula
// above; an alpha channel is read separately and ignored, as Pillow's convert('L') does;
// 16-bit gray files are scaled to 8 bits by rounding v/257 — Pillow would clip `I;16` at 255
// instead, a departure that does not matter for MIMIC-CXR-JPG (all JPEG).
//
// Images larger than `maxImagePixels` (Pillow's decompression-bomb limit) are refused from the
// size their header claims, before any pixel buffer is allocated.
//
// Deliberately not here: resizing, CLAHE (XrayPreprocess.swift), other formats (a typed error).

import Foundation
import CJPEG
import CPNG

/// An 8-bit single-channel image, row-major `[height, width]`.
public struct GrayImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// `pixels[y * width + x]`.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "GrayImage: \(pixels.count) pixels for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Pixels as Float in [0, 1] (`v / 255`), `[height, width]`.
    public var unitFloats: [Float] { pixels.map { Float($0) / 255 } }
}

/// Pillow's RGB → L conversion of one pixel (16-bit fixed point, rounded).
@inlinable
public func pillowLuma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
    let rr: UInt32 = UInt32(r) &* 19595
    let gg: UInt32 = UInt32(g) &* 38470
    let bb: UInt32 = UInt32(b) &* 7471
    return UInt8(truncatingIfNeeded: (rr &+ gg &+ bb &+ 0x8000) >> 16)
}

/// The largest image the decoders accept, in pixels (width × height): 178,956,970, Pillow's own
/// limit (`Image.open` raises `DecompressionBombError` above 2 × `Image.MAX_IMAGE_PIXELS`), about
/// 13,000 × 13,000 — far above any real chest X-ray (MIMIC-CXR-JPG and CheXpert originals are
/// about 3,000 × 3,000). Both decoders check the size the header claims before they allocate a
/// pixel buffer, so a 68-byte PNG claiming 100,000 × 100,000 is refused instead of costing ~10 GB.
public let maxImagePixels = 178_956_970

/// Throws `DataError.malformed` naming `file` and its claimed size when `width × height` exceeds
/// `maxImagePixels`.
func requireImageSize(width: Int, height: Int, format: String, file: String) throws {
    guard width * height > maxImagePixels else { return }
    throw DataError.malformed(file: file, field: "\(format) header",
                              reason: "claims \(width)×\(height) = \(width * height) pixels, more than the \(maxImagePixels) "
                                + "an image may have (maxImagePixels, Pillow's decompression-bomb limit); not decoded")
}

/// Decodes a JPEG or PNG file (chosen by its signature bytes) to grayscale.
///
///     let img = try decodeGrayImage(URL(fileURLWithPath: "kermany/test/NORMAL/IM-0001-0001.jpeg"))
///     img.width   // 224
public func decodeGrayImage(_ url: URL) throws -> GrayImage {
    // A folder is `.isDirectory` ("…: is a directory, expected a JPEG or PNG image file").
    let data = try readInputFile(url, format: "image", expected: "JPEG or PNG image file")
    let bytes = [UInt8](data)
    if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
        return try decodeJPEG(bytes, file: url.path)
    }
    if bytes.count >= 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
        return try decodePNG(url)
    }
    throw DataError.unreadable(file: url.path, format: "image",
                               reason: "neither a JPEG nor a PNG signature (first bytes \(bytes.prefix(4).map { String($0, radix: 16) }))")
}

/// Decodes JPEG bytes through libjpeg-turbo; `file` names the source in errors.
public func decodeJPEG(_ bytes: [UInt8], file: String) throws -> GrayImage {
    var pixels: UnsafeMutablePointer<UInt8>? = nil
    var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0
    var message = [CChar](repeating: 0, count: 256)
    let rc = bytes.withUnsafeBufferPointer { bp in
        more_jpeg_decode(bp.baseAddress, UInt(bp.count), &pixels, &w, &h, &c, UInt64(maxImagePixels), &message, message.count)
    }
    if rc == 3 { try requireImageSize(width: Int(w), height: Int(h), format: "JPEG", file: file) }
    guard rc == 0, let p = pixels else {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let reason = text.isEmpty ? "decoding failed" : text
        throw DataError.unreadable(file: file, format: "JPEG", reason: rc == 2 ? "truncated: \(reason)" : reason)
    }
    defer { more_jpeg_free(p) }
    let width = Int(w), height = Int(h), n = width * height
    var out = [UInt8](repeating: 0, count: n)
    if c == 1 {
        for i in 0..<n { out[i] = p[i] }
    } else {
        for i in 0..<n { out[i] = pillowLuma(p[3 * i], p[3 * i + 1], p[3 * i + 2]) }
    }
    return GrayImage(width: width, height: height, pixels: out)
}

/// Decodes a PNG file through libpng's simplified API (no setjmp needed).
public func decodePNG(_ url: URL) throws -> GrayImage {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    func failure(_ what: String) -> DataError {
        let msg = withUnsafeBytes(of: image.message) { raw -> String in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        return DataError.unreadable(file: url.path, format: "PNG", reason: "\(what): \(msg)")
    }
    guard png_image_begin_read_from_file(&image, url.path) != 0 else { throw failure("header") }
    do { try requireImageSize(width: Int(image.width), height: Int(image.height), format: "PNG", file: url.path) } catch {
        png_image_free(&image)
        throw error
    }
    let isColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
    let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
    let is16 = image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
    let width = Int(image.width), height = Int(image.height), n = width * height
    var out = [UInt8](repeating: 0, count: n)
    if isColor || hasAlpha {
        // 8-bit sRGB samples with the alpha channel kept apart (not composited, not premultiplied),
        // then alpha ignored, as Pillow's convert('L') does.
        let channels = (isColor ? 3 : 1) + (hasAlpha ? 1 : 0)
        // (PNG_FORMAT_RGB/RGBA/GA are composite macros Swift does not import; spelled with the flags.)
        image.format = (isColor ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        var buf = [UInt8](repeating: 0, count: channels * n)
        guard png_image_finish_read(&image, nil, &buf, 0, nil) != 0 else { throw failure("pixels") }
        for i in 0..<n {
            let p = channels * i
            out[i] = isColor ? pillowLuma(buf[p], buf[p + 1], buf[p + 2]) : buf[p]
        }
    } else if is16 {
        image.format = UInt32(PNG_FORMAT_FLAG_LINEAR)   // PNG_FORMAT_LINEAR_Y
        var g16 = [UInt16](repeating: 0, count: n)
        guard png_image_finish_read(&image, nil, &g16, 0, nil) != 0 else { throw failure("pixels") }
        for i in 0..<n { out[i] = UInt8((UInt32(g16[i]) * 255 + 32767) / 65535) }
    } else {
        image.format = 0   // PNG_FORMAT_GRAY
        guard png_image_finish_read(&image, nil, &out, 0, nil) != 0 else { throw failure("pixels") }
    }
    png_image_free(&image)
    return GrayImage(width: width, height: height, pixels: out)
}
