// MIMICReport — the text of one MIMIC pair, as the authors' preprocess_notes.py builds it
// (MoRE-reference §3.2 steps 4–5):
//   X-ray note:
//     1. sections: "FINDINGS:" up to "IMPRESSION:" (or the end), then "\n", then "IMPRESSION:"
//        to the end; the whole report when neither heading occurs;
//     2. clean: delete "_" and the dash-like characters U+2013 U+2014 U+2015 U+2212 U+FE58 U+FE63
//        U+FF0D; collapse every whitespace run to one space; trim;
//     3. drop every sentence containing a clock time: sentences are split at a whitespace that
//        follows "." or "?" (not after "x.y." or "Dr."-like abbreviations), a time is
//        `\d{1,2}:\d{2}(\s?[ap]\.?m\.?)?` or `\d{1,2}\s?[ap]\.?m\.?` (case-sensitive, no word
//        boundary — "2 amounts" counts, as in the authors' regex); kept sentences joined by " ";
//     4. empty → label-derived sentence "<positives joined by ', '> is present. uncertain
//        finding of <uncertain joined by ', '>" (either part alone when the other is empty);
//     5. the strings "FINDINGS:" and "IMPRESSION:" are deleted (the space after them stays).
//   ECG note: report_0 … report_6 joined with " " (empty cells included, as pandas' fillna('')
//   then ' '.join does), or "ECG note not available." when that is blank.
// The prefixes "The report from Xray is: " / "The report from ECG is: " are not stored: the
// pre-training loader adds them (MoRE/PretrainData.swift).
//
// Deliberately not here: reading files and choosing which report belongs to which image
// (MIMICConverter.swift).

import Foundation

/// The authors' report extraction and cleaning for MIMIC-CXR and MIMIC-IV-ECG.
public enum MIMICReport {
    /// Step 1: FINDINGS + IMPRESSION sections of a free-text report, or the whole report.
    public static func sections(_ content: String) -> String {
        let f = content.range(of: "FINDINGS:"), i = content.range(of: "IMPRESSION:")
        guard f != nil || i != nil else { return content }
        var findings = "", impression = ""
        if let f {
            let end = content.range(of: "IMPRESSION:", range: f.lowerBound..<content.endIndex)?.lowerBound ?? content.endIndex
            findings = String(content[f.lowerBound..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let i { impression = String(content[i.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines) }
        return findings + "\n" + impression
    }

    static let dashes = try! NSRegularExpression(pattern: "[_\\u2013\\u2014\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]")  // constant pattern
    static let whitespace = try! NSRegularExpression(pattern: "\\s+")  // constant pattern
    static let sentenceBreak = try! NSRegularExpression(pattern: "(?<!\\w\\.\\w.)(?<![A-Z][a-z]\\.)(?<=\\.|\\?)\\s")  // constant pattern
    static let clockTime = try! NSRegularExpression(pattern: "\\d{1,2}:\\d{2}(?:\\s?[ap]\\.?m\\.?)?|\\d{1,2}\\s?[ap]\\.?m\\.?")  // constant pattern

    static func replace(_ re: NSRegularExpression, in s: String, with t: String) -> String {
        re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: t)
    }

    /// Step 2: delete underscores and dashes, collapse whitespace, trim.
    public static func clean(_ text: String) -> String {
        replace(whitespace, in: replace(dashes, in: text, with: ""), with: " ").trimmingCharacters(in: .whitespaces)
    }

    /// Step 3: the sentences of `text` (split as Python's `re.split` on the authors' pattern).
    public static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var start = text.startIndex
        for m in sentenceBreak.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let r = Range(m.range, in: text) else { continue }
            out.append(String(text[start..<r.lowerBound]))
            start = r.upperBound
        }
        out.append(String(text[start...]))
        return out
    }

    /// Step 3: `text` without the sentences that contain a clock time.
    public static func removeTimeSentences(_ text: String) -> String {
        sentences(text).filter { s in clockTime.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil }
            .joined(separator: " ")
    }

    /// Step 4: the label-derived sentence from a CheXpert row (1 positive, −1 uncertain).
    public static func labelSentence(_ labels: [Float], names: [String] = CohortLabels.chexpert13Names) -> String {
        let positive = zip(labels, names).filter { $0.0 == 1 }.map(\.1)
        let uncertain = zip(labels, names).filter { $0.0 == -1 }.map(\.1)
        var parts: [String] = []
        if !positive.isEmpty { parts.append(positive.joined(separator: ", ") + " is present") }
        if !uncertain.isEmpty { parts.append("uncertain finding of " + uncertain.joined(separator: ", ")) }
        return parts.joined(separator: ". ")
    }

    /// Steps 1–5: the X-ray note of a report (nil = no report file, as the authors' '' fill)
    /// with its 13 CheXpert labels (`CohortLabels.chexpert13Names` order).
    public static func xrayNote(report: String?, labels: [Float]) -> String {
        var note = report.map { removeTimeSentences(clean(sections($0))) } ?? ""
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { note = labelSentence(labels) }
        return note.replacingOccurrences(of: "FINDINGS:", with: "").replacingOccurrences(of: "IMPRESSION:", with: "")
    }

    /// The fallback ECG note.
    public static let ecgNotAvailable = "ECG note not available."

    /// The ECG note from the machine statements report_0 … report_6 (empty cells included).
    public static func ecgNote(_ statements: [String]) -> String {
        let joined = statements.joined(separator: " ")
        return joined.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? ecgNotAvailable : joined
    }
}
