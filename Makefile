# The two commands of the README: `make demo` and `make test`.
.PHONY: setup demo demo-run test bench gpu-kit

DEMO_OUT ?= out/examples

setup:
	@bash scripts/setup.sh

demo: setup demo-run

# the bundled text report and the bundled scan (examples/demo-scan-2022.pdf, made by
# scripts/make_demo_scan.py): each extracted to JSON and shown on a review page
demo-run:
	.venv/bin/nianbao extract examples/ -o $(DEMO_OUT)
	.venv/bin/nianbao review $(DEMO_OUT)/yunxi-2023.json
	.venv/bin/nianbao review $(DEMO_OUT)/demo-scan-2022.json
	@echo
	@echo "outputs:"
	@echo "  $(DEMO_OUT)/yunxi-2023.json       the text report's data (two printed errors flagged)"
	@echo "  $(DEMO_OUT)/yunxi-2023.html       its review page: open it in a browser"
	@echo "  $(DEMO_OUT)/demo-scan-2022.json   the scanned report's data, read by OCR"
	@echo "  $(DEMO_OUT)/demo-scan-2022.html   its review page, with the page images"

# the annotation tests need a real Label Studio server: installed once into .venv-ls (its own
# venv; Django pins must not touch the project's)
test: setup
	.venv/bin/python -m nianbao.annotations.server install
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python -m nianbao.eval.bench_text

# what a lent GPU machine needs to train and compare the models (docs/model.md, "A GPU kit"):
# datasets, seqeval and the e5 start in data/kit (~1 h here: the OCR of 168 synthetic scans);
# there: `bash training/gpu_run.sh data/kit` with data/kit in the device run's carry
gpu-kit: setup
	bash training/gpu_kit.sh data/kit
