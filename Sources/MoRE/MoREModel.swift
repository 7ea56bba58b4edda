// MoREModel — the three towers, the three projection heads and the contrastive objective.
//
//   z_x = g_x(f_x(x))   X-ray: ViT with DropKey, CLS pooling          (`xray_model.vit_model`)
//   z_e = g_e(f_e(e))   ECG: ViT with the conv-stem patch embedding    (`ecg_model.vit_model`)
//   z_t = g_t(f_t(r))   report pair: pretrained BERT/RoBERTa + LoRA    (`text_model`)
//   L   = ½[CE(t→x) + CE(x→t)] + ½[CE(t→e) + CE(e→t)]                  (InfoNCE.swift)
//
// Parameter names follow the authors' state_dict layout (`projector_xray_text.0.weight`, …)
// so that `more describe` reads like their model. Not here: data loading and the training
// loop (Trainer.swift), checkpoint files (Checkpoint.swift).

import TensorCore
import Autodiff
import NN

/// A batch for pre-training: images in [0, 1], ECGs at 100 Hz, tokenized report pairs.
public struct MoREBatch {
    public var xray: Tensor        // [B, H, W]
    public var ecg: Tensor         // [B, 12, L]
    public var text: TokenBatch    // [B, T]
    public var count: Int { xray.shape[0] }
    public init(xray: Tensor, ecg: Tensor, text: TokenBatch) { self.xray = xray; self.ecg = ecg; self.text = text }

    /// The batch as named tensors in the layout the PyTorch twin reads (`batch_from_arrays`,
    /// Benchmarks/torch_twin/more_tiny.py): `xray`, `ecg`, `text.ids`, `text.type_ids`,
    /// `text.mask` (ids and mask as exact Float32 `[B, T]`), each name after `prefix`.
    public func twinTensors(prefix: String = "") -> [(String, Tensor)] {
        func grid(_ v: [Int]) -> Tensor { Tensor(shape: [text.batch, text.length], values: v.map(Float.init)) }
        return [(prefix + "xray", xray), (prefix + "ecg", ecg), (prefix + "text.ids", grid(text.ids)),
                (prefix + "text.type_ids", grid(text.typeIds)), (prefix + "text.mask", grid(text.mask))]
    }
}

/// The MoRE model.
public final class MoREModel: Module {
    public let config: MoREConfig
    public let xrayModel: VisionTransformer
    public let ecgModel: VisionTransformer
    public let textModel: TextEncoder
    public let projectorXray: ProjectionHead
    public let projectorECG: ProjectionHead
    public let projectorText: ProjectionHead
    /// τ as a one-element parameter (trainable only when `loss.learnableTemperature`).
    public let temperature: Parameter

    /// Builds a randomly initialised model. Parameter draws depend only on (seed, parameter
    /// name). With `drawTextBase: false` the text tower's base weights are zeros instead, for a
    /// caller that loads the pretrained text model next (`withPretrainedText`); its LoRA
    /// adapters are drawn either way.
    public init(config c: MoREConfig, seed: UInt64, drawTextBase: Bool = true) {
        config = c
        xrayModel = VisionTransformer(
            config: c.xray,
            input: .image(ImagePatchEmbed(patch: c.xrayPatch, channels: c.xrayChannels, dim: c.xray.dim, seed: seed,
                                          name: "xray_model.vit_model.patch_embed")),
            tokens: c.xrayTokens, dropKey: c.dropKey.schedule, seed: seed, name: "xray_model.vit_model")
        ecgModel = VisionTransformer(
            config: c.ecg,
            input: .ecg(ECGPatchEmbed(leads: c.ecgLeads, stemChannels: c.ecgStemChannels, dim: c.ecg.dim, seed: seed,
                                      name: "ecg_model.vit_model.patch_embed")),
            tokens: c.ecgTokens, dropKey: c.dropKey.schedule, seed: seed, name: "ecg_model.vit_model")
        textModel = Init.$placeholdersOnly.withValue(Init.placeholdersOnly || !drawTextBase) {
            TextEncoder(config: c.text, pooling: c.textPooling, seed: seed, name: "text_model")
        }
        projectorXray = ProjectionHead(inDim: c.xray.dim, hidden: c.xray.dim, outDim: c.projectionDim, seed: seed,
                                       name: "projector_xray_text")
        projectorECG = ProjectionHead(inDim: c.ecg.dim, hidden: c.ecg.dim, outDim: c.projectionDim, seed: seed,
                                      name: "projector_ecg_text")
        projectorText = ProjectionHead(inDim: c.text.hidden, hidden: c.text.hidden, outDim: c.projectionDim, seed: seed,
                                       name: "projector_text")
        temperature = Parameter(Tensor(shape: [1], values: [c.loss.temperature]),
                                requiresGrad: c.loss.learnableTemperature, name: "temperature")
        super.init()
        applyTextTuning()
        assignPaths()
    }

    public override var localParameters: [(String, Parameter)] {
        config.loss.learnableTemperature ? [("temperature", temperature)] : []
    }

    public override var children: [(String, Module)] {
        [("xray_model.vit_model", xrayModel), ("ecg_model.vit_model", ecgModel), ("text_model", textModel),
         ("projector_xray_text", projectorXray), ("projector_ecg_text", projectorECG), ("projector_text", projectorText)]
    }

    /// LoRA (authors), frozen, or fully trained text tower.
    func applyTextTuning() {
        switch config.textTuning {
        case .lora: textModel.applyLoRA(rank: config.loraRank, alpha: config.loraAlpha, dropout: config.loraDropout,
                                        seed: 0x10ea)
        case .frozen: textModel.setTrainable(false)
        case .full: textModel.setTrainable(true)
        }
        // The pooler is never used in the forward pass. Under LoRA its bias stays trainable
        // (PEFT's bias="all", counted in the authors' 0.55 %), but it never receives a
        // gradient, and AdamW skips parameters without one, as PyTorch does.
    }

    // MARK: features and embeddings

    /// X-ray CLS features h_x: images [B, H, W] in [0, 1], normalised as the config says
    /// (`XrayNormalization`) → [B, D].
    public func xrayFeatures(_ images: Tensor) -> Variable {
        precondition(images.rank == 3 && images.shape[1] == config.xrayImageSize && images.shape[2] == config.xrayImageSize,
                     "MoRE '\(config.name)': X-rays must be [B, \(config.xrayImageSize), \(config.xrayImageSize)], got \(images.shape)")
        return xrayModel(normalizeXrays(images, config.xrayNormalization, mean: config.xrayMean, std: config.xrayStd))
    }

    /// ECG CLS features h_e: [B, 12, L] → [B, D].
    public func ecgFeatures(_ ecg: Tensor) -> Variable {
        precondition(ecg.rank == 3 && ecg.shape[1] == config.ecgLeads && ecg.shape[2] == config.ecgLength,
                     "MoRE '\(config.name)': ECGs must be [B, \(config.ecgLeads), \(config.ecgLength)], got \(ecg.shape)")
        return ecgModel(ecg)
    }

    /// Report features h_t (pooled last hidden state): [B, D_text].
    public func textFeatures(_ t: TokenBatch) -> Variable { textModel(t) }

    public func embedXray(_ images: Tensor) -> Variable { projectorXray(xrayFeatures(images)) }
    public func embedECG(_ ecg: Tensor) -> Variable { projectorECG(ecgFeatures(ecg)) }
    public func embedText(_ t: TokenBatch) -> Variable { projectorText(textFeatures(t)) }

    // MARK: objective

    /// The contrastive loss of one batch with in-batch accuracies.
    public func contrastive(_ batch: MoREBatch) -> ContrastiveOutput {
        let lc = config.loss
        var acc: [String: PairAccuracy] = [:]
        let zt = embedText(batch.text)
        let zx = config.useXray ? embedXray(batch.xray) : nil
        let ze = config.useECG ? embedECG(batch.ecg) : nil
        var terms: [Variable] = []
        if lc.textXray, let zx { terms.append(symmetricInfoNCE(zt, zx, temperature: temperature, names: ("t", "x"), accuracy: &acc)) }
        if lc.textECG, let ze { terms.append(symmetricInfoNCE(zt, ze, temperature: temperature, names: ("t", "e"), accuracy: &acc)) }
        if lc.xrayECG, let zx, let ze { terms.append(symmetricInfoNCE(zx, ze, temperature: temperature, names: ("x", "e"), accuracy: &acc)) }
        precondition(!terms.isEmpty, "MoRE '\(config.name)': the loss has no active pair (check useXray/useECG/loss)")
        var loss = terms[0]
        for t in terms.dropFirst() { loss = loss + t }
        return ContrastiveOutput(loss: loss, accuracy: acc)
    }
}
