# farmcli — `make run` settles the sample ledger, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    := out

.PHONY: run test install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(BIN)/farmcli settle 2022 sample_data/taojiang-2022.xlsx --out $(OUT); rc=$$?; \
	echo; echo "结算工作簿与报告已写入 $(OUT)/ 目录（退出码 $$rc）："; ls -1 $(OUT); exit $$rc

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

# Performance evidence (not part of `make test`): farmcli settle vs the floor and the naive peer.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
