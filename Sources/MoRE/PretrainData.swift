// PretrainData — turns a dataset split into pre-training batches, as the authors'
// `MultiModalData` does: each item is (X-ray, ECG, report pair), the two reports joined as a
// tokenizer sentence pair with the authors' prefixes ("The report from Xray is: " / "The
// report from ECG is: "), shuffled each epoch, last incomplete batch dropped, and in training
// the X-ray and ECG augmentations of MoRE-reference §3.3.
//
// Determinism: the epoch order is a permutation drawn from (seed, "epoch", e) and each item's
// augmentation from (seed, "aug", global sample index), so a batch depends only on
// (seed, epoch, batch index) — never on the thread count or on where a run was resumed.

import Foundation
import TensorCore
import Datasets
import NN

/// Problems with a dataset a user can cause.
public enum PretrainDataError: Error, CustomStringConvertible {
    case missingField(file: String, field: String)
    case wrongShape(file: String, field: String, expected: String, found: [Int])
    case tooSmall(file: String, rows: Int, batch: Int)

    public var description: String {
        switch self {
        case .missingField(let f, let k): return "\(f): dataset has no '\(k)' (needed for pre-training)"
        case .wrongShape(let f, let k, let e, let s): return "\(f): dataset field '\(k)' has shape \(s), expected \(e)"
        case .tooSmall(let f, let n, let b): return "\(f): \(n) rows cannot fill one batch of \(b)"
        }
    }
}

/// The pre-training view of a dataset split.
public final class PretrainData {
    public let split: DatasetSplit
    public let xray: Tensor          // [N, H, W]
    public let ecg: Tensor           // [N, 12, L]
    public let tokens: BatchEncoding // [N, T] report pairs
    public let batchSize: Int
    /// Training view: rows shuffled per epoch, and augmented when the config's `augment` is on.
    public let augment: Bool
    public let seed: UInt64
    let config: MoREConfig

    /// Checks the split against the config and tokenizes every report pair once.
    public init(split raw: DatasetSplit, source: String, config c: MoREConfig, tokenizer: TextTokenizer,
                batchSize: Int, augment: Bool, seed: UInt64) throws {
        var split = raw
        split.prepareECGForModel()
        guard let x = split.xray else { throw PretrainDataError.missingField(file: source, field: "xray") }
        guard let e = split.ecg else { throw PretrainDataError.missingField(file: source, field: "ecg") }
        guard x.shape.count == 3, x.shape[1] == c.xrayImageSize, x.shape[2] == c.xrayImageSize else {
            throw PretrainDataError.wrongShape(file: source, field: "xray", expected: xrayShapeHint(config: c, found: x.shape), found: x.shape)
        }
        guard e.shape.count == 3, e.shape[1] == c.ecgLeads, e.shape[2] == c.ecgLength else {
            throw PretrainDataError.wrongShape(file: source, field: "ecg", expected: "[N, \(c.ecgLeads), \(c.ecgLength)]", found: e.shape)
        }
        guard split.reportXray.count == split.count, split.reportECG.count == split.count else {
            throw PretrainDataError.missingField(file: source, field: split.reportXray.count == split.count ? "report_ecg" : "report_xray")
        }
        guard split.count >= batchSize else { throw PretrainDataError.tooSmall(file: source, rows: split.count, batch: batchSize) }
        self.split = split; xray = x; ecg = e; config = c
        self.batchSize = batchSize; self.augment = augment; self.seed = seed
        tokens = try tokenizeReports(xrayReports: split.reportXray, ecgReports: split.reportECG, tokenizer: tokenizer, config: c)
    }

    /// Full batches per epoch (drop_last).
    public var batchesPerEpoch: Int { split.count / batchSize }

    /// Row order of epoch `e`.
    public func order(epoch: Int) -> [Int] {
        guard augment else { return Array(0..<split.count) }
        var rng = RNG(seed: seed, stream: RNG.stream("epoch", epoch))
        return rng.permutation(split.count)
    }

    /// Batch `b` of epoch `e`.
    public func batch(epoch: Int, index b: Int) -> MoREBatch {
        let rows = Array(order(epoch: epoch)[(b * batchSize)..<((b + 1) * batchSize)])
        return batch(rows: rows, augmentationKey: epoch * split.count + b * batchSize)
    }

    /// The batch of the given rows (augmented when `augment`, with keys from `augmentationKey`).
    public func batch(rows: [Int], augmentationKey: Int = 0) -> MoREBatch {
        let n = rows.count, h = config.xrayImageSize, w = h, leads = config.ecgLeads, l = config.ecgLength
        let xb = Tensor(zeros: [n, h, w]), eb = Tensor(zeros: [n, leads, l])
        let px = xray.pointer, pe = ecg.pointer, ox = xb.pointer, oe = eb.pointer
        var xc = XrayAugmentConfig()
        xc.blurKernel = max(3, (23 * h / 224) | 1)     // the authors' 23 px at 224, scaled to the image
        let augment = self.augment && config.augment, seed = self.seed
        ThreadPool.shared.parallelFor(n) { i in
            let r = rows[i]
            var img = Array(UnsafeBufferPointer(start: px + r * h * w, count: h * w))
            var sig = Array(UnsafeBufferPointer(start: pe + r * leads * l, count: leads * l))
            if augment {
                var rng = RNG(seed: seed, stream: RNG.stream("aug", augmentationKey + i))
                img = augmentXray(img, height: h, width: w, config: xc, rng: &rng)
                sig = augmentECG(sig, leads: leads, rng: &rng).output
            }
            img.withUnsafeBufferPointer { (ox + i * h * w).update(from: $0.baseAddress!, count: h * w) }
            sig.withUnsafeBufferPointer { (oe + i * leads * l).update(from: $0.baseAddress!, count: leads * l) }
        }
        return MoREBatch(xray: xb, ecg: eb, text: tokenBatch(tokens, rows: rows, padToMax: config.textPooling == .paddedMean))
    }
}

/// The authors' prefix of the radiology report (MoRE-reference §3.2).
public let reportPrefixXray = "The report from Xray is: "
/// The authors' prefix of the cardiology report.
public let reportPrefixECG = "The report from ECG is: "

/// Tokenizes report pairs with the authors' prefixes, truncated (longest first) to the
/// config's max length.
public func tokenizeReports(xrayReports: [String], ecgReports: [String], tokenizer: TextTokenizer,
                            config c: MoREConfig) throws -> BatchEncoding {
    let a = xrayReports.map { reportPrefixXray + $0 }
    let b = ecgReports.map { reportPrefixECG + $0 }
    return try tokenizer.encodeBatch(a, b, maxLength: c.textMaxLength, padToMaxLength: c.textPooling == .paddedMean)
}

/// Rows of a tokenized set as a TokenBatch, trimmed to the longest row unless `padToMax`
/// (the authors' padded mean must see the full padded length).
public func tokenBatch(_ enc: BatchEncoding, rows: [Int], padToMax: Bool) -> TokenBatch {
    let L = enc.length
    var used = 1
    if padToMax { used = L } else {
        for r in rows {
            var last = 0
            for t in 0..<L where enc.attentionMask[r * L + t] != 0 { last = t + 1 }
            used = max(used, last)
        }
    }
    var ids = [Int](), types = [Int](), mask = [Int]()
    ids.reserveCapacity(rows.count * used)
    for r in rows {
        for t in 0..<used {
            ids.append(Int(enc.ids[r * L + t])); types.append(Int(enc.typeIds[r * L + t])); mask.append(Int(enc.attentionMask[r * L + t]))
        }
    }
    return TokenBatch(ids: ids, typeIds: types, mask: mask, batch: rows.count, length: used)
}

/// "[N, 64, 64]" with, when the X-rays are square of another size, what to do: the config
/// `tiny` wants 64×64 and a converter writes 224×224 by default.
public func xrayShapeHint(config c: MoREConfig, found: [Int]) -> String {
    let s = c.xrayImageSize
    var text = "[N, \(s), \(s)]"
    if found.count == 3, found[1] == found[2], found[1] != s {
        text += " (config '\(c.name)' takes \(s)×\(s) X-rays: convert with `more data convert … --size \(s)`, or use a config with xrayImageSize \(found[1]))"
    }
    return text
}
