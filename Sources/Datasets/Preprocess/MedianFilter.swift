// MedianFilter — a 1-D running median with zero-padded edges, like `scipy.signal.medfilt(x, w)`
// (which is `scipy.ndimage.rank_filter(x, w // 2, w, mode='constant', cval=0)`).
//
// Output t is the median of x[t − w/2 … t + w/2] with positions outside the signal counted as 0.0.
// The window is kept sorted: each step overwrites the outgoing value (found by binary search)
// with the incoming one and slides it to its place, so a step moves only as many values as the
// incoming one's rank differs from the outgoing one's — few on a smooth signal such as an ECG.
// NaN is not expected here (ECG preprocessing replaces NaN by 0 first); NaNs sort last.
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
    var win = UnsafeMutableBufferPointer<Float>.allocate(capacity: width)
    defer { win.deallocate() }
    x.withUnsafeBufferPointer { xs in
        out.withUnsafeMutableBufferPointer { os in
            @inline(__always) func at(_ i: Int) -> Float { (i >= 0 && i < n) ? xs[i] : 0 }
            // Sorted window for output 0: positions −h … h.
            for i in 0..<width { win[i] = at(i - h) }
            win.sort(by: less)
            os[0] = win[h]
            for t in 1..<n {
                let outgoing = at(t - 1 - h), incoming = at(t + h)
                if !(outgoing == incoming) || outgoing.isNaN {
                    var i = lowerBound(win, outgoing)
                    if less(incoming, outgoing) {
                        while i > 0 && less(incoming, win[i - 1]) { win[i] = win[i - 1]; i -= 1 }
                    } else {
                        while i < width - 1 && less(win[i + 1], incoming) { win[i] = win[i + 1]; i += 1 }
                    }
                    win[i] = incoming
                }
                os[t] = win[h]
            }
        }
    }
    return out
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

/// First index whose element is not less than `v` (for v present, its first occurrence).
@inline(__always)
private func lowerBound(_ a: UnsafeMutableBufferPointer<Float>, _ v: Float) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if less(a[mid], v) { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
