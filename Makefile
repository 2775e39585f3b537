# The two commands a newcomer runs:  make demo   and   make test
PYTHON ?= python3
OUT ?= out

.PHONY: setup setup-test demo test test-slow bench clean

setup:
	@$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install torch==2.13.0
	$(PYTHON) -m pip install -q -e .

# Tests also install the example third-party style, to check plugin discovery end to end.
setup-test: setup
	$(PYTHON) -m pip install -q -e ".[test]" ./examples/plugin-charcoal

demo: setup
	$(PYTHON) -m strokes.demo $(OUT)

test: setup-test
	$(PYTHON) -m pytest -q

# Exit status 5 means no slow test was collected: nothing failed.
test-slow: setup-test
	$(PYTHON) -m pytest -q -m slow || [ $$? -eq 5 ]

clean:
	rm -rf $(OUT) build *.egg-info
