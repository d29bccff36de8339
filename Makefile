# Two commands on a fresh clone: `make run` starts the studio, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export STUDIO_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test setup fonts demo bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel

# llama-cpp-python compiles from source the first time (about 8 minutes on 2 cores); pip caches the wheel.
# It is built for AVX2 machines, not for the build machine's own CPU: a native build on a CPU that reports
# AMX or AVX-512 can crash in the model's first evaluation, and the cached wheel would carry that along.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/activate
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed fonts

# Posters are set in Noto Sans CJK (full GB 2312) from Debian's fonts-noto-cjk; installed when missing (needs root).
fonts:
	@test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null)

demo: setup
	$(BIN)/studio db upgrade
	$(BIN)/studio demo setup
	$(BIN)/python -m studio.localmodel prepare --data-dir "$(STUDIO_DATA_DIR)"

run: demo
	@echo ""
	@echo "  Community Content Studio: http://127.0.0.1:$${STUDIO_PORT:-5000}  (Ctrl-C stops everything)"
	@echo "  Sandbox group chat:       http://127.0.0.1:$${STUDIO_PORT:-5000}/sandbox"
	@echo "  Model server log:         $(STUDIO_DATA_DIR)/logs/model.log"
	@echo "  The address and the demo logins are printed again once the web app and the model answer."
	@echo ""
	@# The demo's partner webhook and any bot tried locally listen on this machine, which channels refuse
	@# by default: allowed here unless the environment says otherwise.
	@# A broker file left corrupt by a crash would fail every queued job: moved aside, with a note.
	$(BIN)/python -m studio.embedded_broker check
	STUDIO_ALLOW_PRIVATE_TARGETS=$${STUDIO_ALLOW_PRIVATE_TARGETS:-1} $(BIN)/honcho start -f Procfile

# Browser tests drive Debian's chromium; install it when missing (needs root, as on CI).
# The import contracts in pyproject.toml run first: a back-edge between layers fails the tests.
test: setup
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf var test-artifacts .pytest_cache
