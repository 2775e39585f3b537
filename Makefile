# The two commands a newcomer runs:  make demo   and   make test
PYTHON ?= python3
OUT ?= out

.PHONY: setup demo test test-all bench clean

setup:
	@$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install torch==2.13.0
	$(PYTHON) -m pip install -q -e ".[test]"

demo: setup
	$(PYTHON) -m strokes.demo $(OUT)

test: setup
	$(PYTHON) -m pytest -q

test-all: setup
	$(PYTHON) -m pytest -q -m "slow or not slow"

clean:
	rm -rf $(OUT) build *.egg-info
