// Prompts — the zero-shot text prompts: GLoRIA's CheXpert prompt vocabulary as the authors use
// it (MoRE-reference §6.1), our Consolidation vocabulary for the 5-class variant, and the
// authors' PTB-XL superclass prompts (§6.2).
//
// CheXpert: for each class, all combinations of its slots are formed, the slots joined by one
// space in slot order — empty slots leave extra spaces, exactly as the Python f-string does
// (" cardiomegaly unchanged "); for Pleural Effusion the dict lists severity, *location*,
// subtype, so its prompts read "{severity} {location} {subtype}" ("small left bilateral pleural
// effusion"). Pool sizes: Atelectasis 3·7·10 = 210, Cardiomegaly 15, Edema 6·3 = 18, Pleural
// Effusion 6·3·3 = 54, Consolidation (ours) 4·3·6 = 72. Then n = 5 prompts per class are drawn.
//
// Sampling — our fix: the authors call Python's unseeded `random.sample(pool, 5)`, so their
// numbers change from run to run. We draw the 5 with a seeded Philox shuffle of the pool,
// `RNG(seed: promptSeed, stream: RNG.stream("prompts/<class name>"))`, keeping the first n; the
// published seed is `Prompts.publishedSeed` (= 42). A class's prompts depend only on (seed,
// class name), not on which other classes are evaluated.
//
// Consolidation: the authors commented Consolidation out of their prompt dict. For the 5-class
// variant we wrote our own vocabulary in GLoRIA's style (severity × subtype × location, words
// from radiology reports); it is ours, not the authors' or GLoRIA's, and is labelled so.
//
// Deliberately not here: encoding the prompts (Embeddings.swift) and scoring (ZeroShot.swift).

import TensorCore

/// The slot lists of one class, in generation order.
public struct PromptVocabulary: Sendable, Equatable {
    public let className: String
    public let slots: [[String]]
    /// Where the vocabulary comes from (for provenance).
    public let source: String

    /// Every combination, slots joined by one space (first slot varies slowest).
    public var pool: [String] {
        var out = [""]
        for (k, slot) in slots.enumerated() {
            out = out.flatMap { prefix in slot.map { k == 0 ? $0 : prefix + " " + $0 } }
        }
        return out
    }
}

/// Prompt vocabularies and the prompt sampler.
public enum Prompts {
    /// The seed we publish for sampling the CheXpert prompts.
    public static let publishedSeed: UInt64 = 42
    /// Prompts per class (the authors' n).
    public static let perClass = 5

    static let gloria = "GLoRIA CheXpert prompt vocabulary as used by the MoRE authors (MoRE-reference §6.1)"

    /// GLoRIA's vocabulary for the four classes the authors evaluate.
    public static let atelectasis = PromptVocabulary(className: "Atelectasis", slots: [
        ["", "mild", "minimal"],
        ["subsegmental atelectasis", "linear atelectasis", "trace atelectasis", "bibasilar atelectasis",
         "retrocardiac atelectasis", "bandlike atelectasis", "residual atelectasis"],
        ["at the mid lung zone", "at the upper lung zone", "at the right lung zone", "at the left lung zone",
         "at the lung bases", "at the right lung base", "at the left lung base", "at the bilateral lung bases",
         "at the left lower lobe", "at the right lower lobe"],
    ], source: gloria)

    public static let cardiomegaly = PromptVocabulary(className: "Cardiomegaly", slots: [
        [""],
        ["cardiac silhouette size is upper limits of normal", "cardiomegaly which is unchanged",
         "mildly prominent cardiac silhouette", "portable view of the chest demonstrates stable cardiomegaly",
         "portable view of the chest demonstrates mild cardiomegaly", "persistent severe cardiomegaly",
         "heart size is borderline enlarged", "cardiomegaly unchanged", "heart size is at the upper limits of normal",
         "redemonstration of cardiomegaly",
         "ap erect chest radiograph demonstrates the heart size is the upper limits of normal",
         "cardiac silhouette size is mildly enlarged",
         "mildly enlarged cardiac silhouette, likely left ventricular enlargement. other chambers are less prominent",
         "heart size remains at mildly enlarged", "persistent cardiomegaly with prominent upper lobe vessels"],
        [""],
    ], source: gloria)

    public static let edema = PromptVocabulary(className: "Edema", slots: [
        ["", "mild", "improvement in", "presistent", "moderate", "decreased"],
        ["pulmonary edema", "trace interstitial edema", "pulmonary interstitial edema"],
        [""],
    ], source: gloria)

    /// Slot order severity, location, subtype (the dict's key order); "bilateral pleural
    /// effusion" is listed twice, as in the original, so its prompts are twice as likely.
    public static let pleuralEffusion = PromptVocabulary(className: "Pleural Effusion", slots: [
        ["", "small", "stable", "large", "decreased", "increased"],
        ["left", "right", "tiny"],
        ["bilateral pleural effusion", "subpulmonic pleural effusion", "bilateral pleural effusion"],
    ], source: gloria)

    /// Ours (the authors commented Consolidation out): GLoRIA-style severity × subtype × location.
    public static let consolidation = PromptVocabulary(className: "Consolidation", slots: [
        ["", "new", "patchy", "focal"],
        ["consolidation", "airspace consolidation", "parenchymal consolidation"],
        ["at the right lower lobe", "at the left lower lobe", "at the right middle lobe", "at the lingula",
         "at the right upper lobe", "at the lung bases"],
    ], source: "ours (MoRE.swift), GLoRIA style; the authors commented Consolidation out")

    /// The CheXpert vocabularies by class name.
    public static let cheXpert: [String: PromptVocabulary] = Dictionary(uniqueKeysWithValues:
        [atelectasis, cardiomegaly, consolidation, edema, pleuralEffusion].map { ($0.className, $0) })

    /// The authors' 4 classes, and the 5-class variant with Consolidation (CheXpert order).
    public static let cheXpert4 = ["Atelectasis", "Cardiomegaly", "Edema", "Pleural Effusion"]
    public static let cheXpert5 = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]

    /// The authors' PTB-XL superclass prompts (one per class), by PTB-XL code.
    public static let ptbxl: [String: String] = [
        "NORM": "Normal ECG", "STTC": "ST T Change", "MI": "Myocardial Infarction",
        "HYP": "Hypertrophy", "CD": "Conduction Disturbance",
    ]

    /// `n` prompts of `vocabulary` drawn without replacement with `seed` (all when the pool is
    /// smaller). The order is the shuffle's; scoring takes a max, so it does not matter.
    public static func sample(_ vocabulary: PromptVocabulary, n: Int = perClass, seed: UInt64 = publishedSeed) -> [String] {
        var pool = vocabulary.pool
        var rng = RNG(seed: seed, stream: RNG.stream("prompts/" + vocabulary.className))
        rng.shuffle(&pool)
        return Array(pool.prefix(n))
    }

    /// The sampled CheXpert prompts of `classes` (in that order): [C][n].
    public static func cheXpertPrompts(_ classes: [String], n: Int = perClass, seed: UInt64 = publishedSeed) throws -> [[String]] {
        try classes.map { c in
            guard let v = cheXpert[c] else {
                throw EvalError.unknownClass(file: "(prompt vocabulary)", labelSet: "CheXpert prompts", className: c,
                                             available: cheXpert5)
            }
            return sample(v, n: n, seed: seed)
        }
    }

    /// The PTB-XL prompts of `classes` (PTB-XL codes, in that order): [C][1].
    public static func ptbxlPrompts(_ classes: [String]) throws -> [[String]] {
        try classes.map { c in
            guard let p = ptbxl[c] else {
                throw EvalError.unknownClass(file: "(prompt vocabulary)", labelSet: "PTB-XL prompts", className: c,
                                             available: ["NORM", "STTC", "MI", "HYP", "CD"])
            }
            return [p]
        }
    }
}
