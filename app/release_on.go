//go:build release

package app

// releaseBuild: built with the release tag, as `fyne package -release` does.
const releaseBuild = true
