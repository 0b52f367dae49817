# The two commands of the README: `make demo` and `make test`.
.PHONY: setup demo test bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/nianbao extract examples/ -o out/examples
	@echo "wrote out/examples/*.json"

# the annotation tests need a real Label Studio server: installed once into .venv-ls (its own
# venv; Django pins must not touch the project's)
test: setup
	.venv/bin/python -m nianbao.annotations.server install
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python -m nianbao.eval.bench_text
