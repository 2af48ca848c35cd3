//go:build !release

package app

// releaseBuild: built without the release tag (a plain `go build`).
const releaseBuild = false
