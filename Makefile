# The newcomer's entry points. Both install what is missing (Debian packages), build, then act.
#   make run   — build (Release) and serve the demo org on 127.0.0.1:8085 with its store in ./data
#   make test  — build and run every test (unit + end-to-end)
#   make bench — build and run the benchmarks in bench/ (wrk, then bench/pubsub_bench)
BUILD_DIR ?= build
HOST ?= 127.0.0.1
PORT ?= 8085
DATA ?= ./data
JOBS ?= $(shell nproc)

.PHONY: run test unit e2e bench deps build clean format

run: build
	./$(BUILD_DIR)/interactiond serve --data $(DATA) --host $(HOST) --port $(PORT)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory e2e

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The e2e files run one after another (each starts its own server); E2E_CODES_FILE collects the
# catalogue codes they provoke for the report printed at the end.
# tests/e2e/node_modules holds the real Pub/Sub client (exact versions, package-lock.json).
e2e: build
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	rm -f $(BUILD_DIR)/e2e-codes.txt
	E2E_CODES_FILE=$(abspath $(BUILD_DIR))/e2e-codes.txt \
	INTERACTIOND_BIN=$(abspath $(BUILD_DIR))/interactiond \
	node --test --test-concurrency=1 --test-timeout=180000 tests/e2e/

bench: build
	INTERACTIOND_BIN=$(abspath $(BUILD_DIR))/interactiond bench/run.sh

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
