// MedianFilter — a 1-D running median with zero-padded edges, like `scipy.signal.medfilt(x, w)`
// (which is `scipy.ndimage.rank_filter(x, w // 2, w, mode='constant', cval=0)`).
//
// Output t is the median of x[t − w/2 … t + w/2] with positions outside the signal counted as 0.0.
// The window is kept sorted: each step removes the outgoing value and inserts the incoming one,
// moving the values between their two ranks by one place (one memmove). The ranks are counts —
// rank(o) = #{window values < o} — taken with 8-wide vector compares over the whole window
// (61 values at most here), which costs less than a binary search whose branches the CPU cannot
// predict: 32 instead of 57–74 ns per sample for the ECG chain's 21 then 61 (PAPER.md,
// "ECG preprocessing: same as the authors"). The window after every step, and so every output
// bit, is that of the plain insertion algorithm (the removed copy of a repeated value is its
// first, the inserted one goes after its equals on the left and before them on the right); a
// NaN entering or leaving takes that plain path. NaN is not expected here (ECG preprocessing
// replaces NaN by 0 first); NaNs sort last.
//
// Deliberately not here: even window sizes (scipy rejects them too) and 2-D medians
// (the authors' baseline filter is per lead; a 2-D median over 12×1000 would be wrong).

/// Median filter of odd width `width` with zero padding; `x: [n]` → `[n]`.
///
///     medianFilter([1, 5, 2, 8, 3], width: 3)   // [1, 2, 5, 3, 3]
public func medianFilter(_ x: [Float], width: Int) -> [Float] {
    precondition(width >= 1 && width % 2 == 1, "medianFilter: width must be odd and positive, got \(width)")
    let n = x.count
    if n == 0 { return [] }
    let h = width / 2
    var out = [Float](repeating: 0, count: n)
    // The sorted window, padded with NaN to whole vectors: NaN < v and NaN ≤ v are false, so the
    // padding never counts.
    let padded = (width + 7) / 8 * 8
    let win = UnsafeMutablePointer<Float>.allocate(capacity: padded)
    defer { win.deallocate() }
    win.initialize(repeating: .nan, count: padded)
    x.withUnsafeBufferPointer { xs in
        out.withUnsafeMutableBufferPointer { os in
            @inline(__always) func at(_ i: Int) -> Float { (i >= 0 && i < n) ? xs[i] : 0 }
            // Sorted window for output 0: positions −h … h.
            for i in 0..<width { win[i] = at(i - h) }
            var sorted = UnsafeMutableBufferPointer(start: win, count: width)
            sorted.sort(by: less)
            os[0] = win[h]
            let window = WindowRanks(base: win, vectors: padded / 8)
            for t in 1..<n {
                let outgoing = at(t - 1 - h), incoming = at(t + h)
                if outgoing == incoming { os[t] = win[h]; continue }
                if outgoing.isNaN || incoming.isNaN {
                    insertionStep(win, width, outgoing, incoming)
                } else if incoming < outgoing {
                    // Remove the first copy of `outgoing` at i; `incoming` goes after its equals.
                    let i = window.count(below: outgoing), p = window.count(below: incoming, orEqual: true)
                    (win + p + 1).update(from: win + p, count: i - p)
                    win[p] = incoming
                } else {
                    // `incoming` goes before its equals, i.e. at (#values < incoming) − 1 once
                    // `outgoing` (counted there) has left.
                    let i = window.count(below: outgoing), p = window.count(below: incoming) - 1
                    (win + i).update(from: win + i + 1, count: p - i)
                    win[p] = incoming
                }
                os[t] = win[h]
            }
        }
    }
    return out
}

/// Ranks in the NaN-padded sorted window by 8-wide vector compares (NaN-free keys only).
private struct WindowRanks {
    let base: UnsafeMutablePointer<Float>
    let vectors: Int

    /// #{window values < v} — the first index whose value is not less than v — or, with
    /// `orEqual`, #{window values ≤ v}: the first index whose value is greater than v.
    @inline(__always) func count(below v: Float, orEqual: Bool = false) -> Int {
        let key = SIMD8<Float>(repeating: v), raw = UnsafeRawPointer(base)
        var count = SIMD8<Int32>()
        for c in 0..<vectors {
            let w = raw.loadUnaligned(fromByteOffset: c * 32, as: SIMD8<Float>.self)
            // A true lane is all ones (−1 as an integer): subtracting the mask adds 1.
            count &-= unsafeBitCast(orEqual ? w .<= key : w .< key, to: SIMD8<Int32>.self)
        }
        return Int(count.wrappedSum())
    }
}

/// One step of the plain algorithm, for NaN keys: overwrite the first copy of `outgoing`
/// (binary search, NaN last) with `incoming` and slide it to its place.
private func insertionStep(_ win: UnsafeMutablePointer<Float>, _ width: Int, _ outgoing: Float, _ incoming: Float) {
    var lo = 0, hi = width
    while lo < hi {
        let mid = (lo + hi) / 2
        if less(win[mid], outgoing) { lo = mid + 1 } else { hi = mid }
    }
    var i = lo
    if less(incoming, outgoing) {
        while i > 0 && less(incoming, win[i - 1]) { win[i] = win[i - 1]; i -= 1 }
    } else {
        while i < width - 1 && less(win[i + 1], incoming) { win[i] = win[i + 1]; i += 1 }
    }
    win[i] = incoming
}

/// Applies `medianFilter` to each row of `x: [rows, n]`.
public func medianFilterRows(_ x: [Float], rows: Int, width: Int) -> [Float] {
    precondition(rows >= 1 && x.count % rows == 0, "medianFilterRows: \(x.count) values in \(rows) rows")
    let n = x.count / rows
    var out = [Float]()
    out.reserveCapacity(x.count)
    for r in 0..<rows { out += medianFilter(Array(x[r * n..<(r + 1) * n]), width: width) }
    return out
}

/// Total order with NaN last (so a NaN can be found again for removal).
@inline(__always)
private func less(_ a: Float, _ b: Float) -> Bool {
    if a.isNaN { return false }
    if b.isNaN { return true }
    return a < b
}
