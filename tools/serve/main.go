// Command serve builds and serves the browser version.
//
//	go run ./tools/serve -build -addr ""        write dist/ and stop (make web)
//	go run ./tools/serve -dir dist -addr :8080  serve dist/ (make serve)
//
// dist/ is a static site (the page's files and z80ulm.wasm; package site
// lists them) with relative URLs only, so any static host and any
// sub-path will do; this server adds only what a good host does: the
// application/wasm type and gzip for browsers that accept it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"z80ulm/tools/serve/site"
)

func main() {
	dir := flag.String("dir", "dist", "directory to serve (and to build into with -build)")
	addr := flag.String("addr", ":8080", `address to listen on ("" = do not serve)`)
	build := flag.Bool("build", false, "build the site into -dir first")
	root := flag.String("root", ".", "repository root (for -build)")
	flag.Parse()

	if *build {
		sum, err := site.Build(*root, *dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		fmt.Println(sum)
	}
	if *addr == "" {
		return
	}
	h, err := site.Handler(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	log.Printf("serving %s on http://localhost%s/", *dir, *addr)
	log.Fatal(http.ListenAndServe(*addr, h))
}
