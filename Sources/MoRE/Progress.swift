// Progress — a one-line progress bar on stderr for long work (pre-training, evaluation):
// count, rate, ETA and a few named values. On a terminal it redraws in place; otherwise
// (logs, CI) it prints a plain line every `plainEvery` seconds.

import Foundation

/// A textual progress bar.
public final class ProgressBar {
    let total: Int
    let label: String
    let start = Date()
    var lastPlain = Date.distantPast
    let interactive: Bool
    let plainEvery: TimeInterval
    /// Set to false to silence (tests).
    public var enabled: Bool

    public init(total: Int, label: String, enabled: Bool = true, plainEvery: TimeInterval = 15) {
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
        self.interactive = isatty(2) != 0
        self.plainEvery = plainEvery
    }

    /// Seconds since the bar was created.
    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// Reports `done` of `total` with extra fields ("loss 2.31").
    public func update(_ done: Int, _ fields: [(String, String)] = [], unit: String = "it", units: Double? = nil) {
        guard enabled else { return }
        let t = elapsed
        let rate = Double(units ?? Double(done)) / max(t, 1e-9)
        let eta = done > 0 ? t / Double(done) * Double(total - done) : 0
        let width = 24
        let filled = min(width, width * done / total)
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let extra = fields.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
        let line = "\(label) [\(bar)] \(done)/\(total)  \(extra)  \(String(format: "%.1f", rate)) \(unit)/s  ETA \(ProgressBar.clock(eta))"
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if Date().timeIntervalSince(lastPlain) >= plainEvery || done >= total {
            lastPlain = Date()
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// "m:ss" or "h:mm:ss".
    public static func clock(_ s: TimeInterval) -> String {
        let x = Int(s.rounded())
        return x >= 3600 ? String(format: "%d:%02d:%02d", x / 3600, x / 60 % 60, x % 60) : String(format: "%d:%02d", x / 60, x % 60)
    }
}
