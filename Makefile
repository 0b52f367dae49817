# The two commands of the README: `make demo` and `make test`.
.PHONY: setup demo test bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/nianbao extract examples/ -o out/examples
	@echo "wrote out/examples/*.json"

test: setup
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python -m nianbao.eval.bench_text
