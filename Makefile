# leadmail — build, test and run. `make demo` and `make test` are all a fresh
# machine with Go >= 1.26.7 needs; everything else installs itself into ./bin.

GO              ?= go
BIN             := bin/leadmail
GOLANGCI_LINT   := bin/golangci-lint
GOLANGCI_VER    := v2.15.0
BENCHTIME       ?= 1s
# UI_GOGC is the collector setting the terminal UI runs with (tui.GCPercent):
# the benchmarks of what the UI calls run with it too.
UI_GOGC         := 400

.PHONY: all build demo test lint bench bench-1m sqlite3-shell fmt tidy clean

all: build

## build: compile the leadmail binary into ./bin
build:
	$(GO) build -trimpath -ldflags "-X main.version=$$(git describe --tags --always --dirty 2>/dev/null || echo dev) -X main.commit=$$(git rev-parse HEAD 2>/dev/null)" -o $(BIN) ./cmd/leadmail

## demo: build and run the whole product offline (embedded SMTP + seeded demo db)
demo: build
	./$(BIN) demo

## test: vet and run every test with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -timeout 30m ./...
	$(GO) test -count=1 -run 'Walks100k$$' ./store

## lint: golangci-lint (errcheck, staticcheck, unused, ...) over code and tests
lint: $(GOLANGCI_LINT)
	./$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VER)

## bench: the speed targets of DESIGN.md §6, as go test benchmarks (100k contacts;
## store/importer's import-vs-sqlite3-shell benchmark needs the sqlite3 shell)
bench: sqlite3-shell
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## bench-1m: the contacts benchmarks at 1,000,000 contacts, issue 5's bars
## (each package builds its database once, in a temp dir; -p 1 so that one
## package's build does not disturb the other's timings; the TUI's peak RSS
## is measured in a process of its own), then the 1,000,000-row CSV import
## against the sqlite3 shell and the shell doing the same job into our schema
## (about 6 minutes in all on a 2-core machine). The store's and the Contacts
## screen's benchmarks are what the UI calls and run with its GOGC.
bench-1m: sqlite3-shell
	GOGC=$(UI_GOGC) $(GO) test -p 1 -timeout 40m -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) \
		./store ./tui/screens/contacts -benchcontacts 1000000
	$(GO) test -timeout 20m -run '^$$' -bench TUIPeakRSS -benchtime 1x ./cmd/leadmail -benchcontacts 1000000
	$(GO) test -timeout 40m -run '^$$' -bench ImportVsSQLiteShell -benchmem -benchtime 1x \
		./store/importer -importrows 1000000

# sqlite3-shell: the import benchmark's yardstick, installed from Debian when
# missing and running as root; otherwise the benchmark skips itself.
sqlite3-shell:
	@command -v sqlite3 >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && apt-get install -y sqlite3; \
	else \
		echo "note: sqlite3 shell not found and not root with apt-get: install it (apt-get install sqlite3) or BenchmarkImportVsSQLiteShell is skipped"; \
	fi

## fmt: gofmt the tree
fmt:
	gofmt -w $$(git ls-files '*.go')

## tidy: go mod tidy
tidy:
	$(GO) mod tidy

clean:
	rm -rf bin
