# leadmail — build, test and run. `make demo` and `make test` are all a fresh
# machine with Go >= 1.26.7 needs; everything else installs itself into ./bin.

GO              ?= go
BIN             := bin/leadmail
GOLANGCI_LINT   := bin/golangci-lint
GOLANGCI_VER    := v2.15.0
BENCHTIME       ?= 1s

.PHONY: all build demo test lint bench fmt tidy clean

all: build

## build: compile the leadmail binary into ./bin
build:
	$(GO) build -trimpath -o $(BIN) ./cmd/leadmail

## demo: build and run the whole product offline (embedded SMTP + seeded demo db)
demo: build
	./$(BIN) demo

## test: vet and run every test with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race ./...

## lint: golangci-lint (errcheck, staticcheck, unused, ...) over code and tests
lint: $(GOLANGCI_LINT)
	./$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	GOBIN=$(CURDIR)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VER)

## bench: the speed targets of DESIGN.md §6, as go test benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## fmt: gofmt the tree
fmt:
	gofmt -w $$(git ls-files '*.go')

## tidy: go mod tidy
tidy:
	$(GO) mod tidy

clean:
	rm -rf bin
