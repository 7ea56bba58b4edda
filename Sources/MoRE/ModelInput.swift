// ModelInput — brings a dataset's ECGs to what the ECG tower was built for: the authors'
// per-record chain at 100 Hz (MoRE-reference §3.3): baseline wander removed by median filters
// of 0.2 s then 0.6 s, then each lead min-max scaled to [−1, 1].
//
// Converted real datasets store /ecg already through that chain and say so in the root
// attribute `ecg_model_ready = "yes"`; the synthetic cohort stores the 100 Hz signal in mV
// (baseline wander and all, like a raw recording), so the chain runs here, once per load.

import TensorCore
import Datasets

/// The root attribute that marks /ecg as already preprocessed by the authors' chain.
public let ecgModelReadyAttribute = "ecg_model_ready"

extension DatasetSplit {
    /// True when /ecg already went through baseline removal and min-max scaling.
    public var ecgIsModelReady: Bool { attributes[ecgModelReadyAttribute] == "yes" }

    /// Applies the authors' 100 Hz chain to every ECG (unless already done) and marks the split.
    public mutating func prepareECGForModel() {
        guard let e = ecg, !ecgIsModelReady, e.rank == 3 else { return }
        let n = e.shape[0], leads = e.shape[1], l = e.shape[2]
        let out = Tensor(zeros: e.shape)
        let src = e.pointer, dst = out.pointer
        ThreadPool.shared.parallelFor(n) { i in
            let x = Array(UnsafeBufferPointer(start: src + i * leads * l, count: leads * l))
            let base = ecgBaseline(x, leads: leads, rate: 100)
            var d = [Float](repeating: 0, count: x.count)
            for j in 0..<x.count { d[j] = x[j] - base[j] }
            let y = minMaxLeads(d, leads: leads)
            y.withUnsafeBufferPointer { (dst + i * leads * l).update(from: $0.baseAddress!, count: leads * l) }
        }
        ecg = out
        attributes[ecgModelReadyAttribute] = "yes"
    }
}
