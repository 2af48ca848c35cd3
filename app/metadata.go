package app

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"fyne.io/fyne/v2"
	"github.com/BurntSushi/toml"
)

// MetadataFile is the name of the app's metadata file at the top of the
// repository: the one source of the app id, name, version, build number, icon
// and Fyne migrations for `go build` and `fyne package` alike.
const MetadataFile = "FyneApp.toml"

// fyneAppFile is the part of FyneApp.toml that reaches the running app. The
// field names are those of the fyne tool's own reader (fyne.io/tools v1.7.4,
// cmd/fyne/internal/metadata.FyneApp), so both read the file the same way.
type fyneAppFile struct {
	Website string
	Details struct {
		Icon    string
		Name    string
		ID      string
		Version string
		Build   int
	}
	Development map[string]string
	Release     map[string]string
	Migrations  map[string]bool
}

// MetadataFromTOML reads FyneApp.toml into the metadata the app hands to
// fyne's app.SetMetadata, as the fyne tool's generated init does for a
// `fyne package` build: id, name, version, build number, the migrations
// ([Migrations] fyneDo = true turns on Fyne's threading model), and the custom
// entries of [Release] in a release build, of [Development] otherwise. The icon
// is left nil: the file only names it (see LoadMetadata).
func MetadataFromTOML(data []byte) (fyne.AppMetadata, error) {
	f, err := parseFyneApp(data)
	if err != nil {
		return fyne.AppMetadata{}, err
	}
	return f.metadata(), nil
}

// metadata is what the fyne tool's generated init passes to SetMetadata.
func (f fyneAppFile) metadata() fyne.AppMetadata {
	custom := f.Development
	if releaseBuild {
		custom = f.Release
	}
	m := fyne.AppMetadata{
		ID:         f.Details.ID,
		Name:       f.Details.Name,
		Version:    f.Details.Version,
		Build:      f.Details.Build,
		Release:    releaseBuild,
		Custom:     map[string]string{},
		Migrations: map[string]bool{},
	}
	for k, v := range custom {
		m.Custom[k] = v
	}
	for k, v := range f.Migrations {
		m.Migrations[k] = v
	}
	return m
}

func parseFyneApp(data []byte) (fyneAppFile, error) {
	var f fyneAppFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		return f, fmt.Errorf("%s: %w", MetadataFile, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		// The fyne tool reads more sections (LinuxAndBSD, Source...) that
		// only packaging uses; a misspelt key of ours would be silently
		// dropped, so only the known sections may carry unknown keys.
		for _, k := range und {
			switch k[0] {
			case "Details", "Migrations", "Development", "Release":
				return f, fmt.Errorf("%s: unknown key %s", MetadataFile, k)
			}
		}
	}
	var missing []string
	if f.Details.ID == "" {
		missing = append(missing, "Details.ID")
	}
	if f.Details.Name == "" {
		missing = append(missing, "Details.Name")
	}
	if f.Details.Version == "" {
		missing = append(missing, "Details.Version")
	}
	if len(missing) > 0 {
		return f, fmt.Errorf("%s: missing %s", MetadataFile, strings.Join(missing, ", "))
	}
	return f, nil
}

// LoadMetadata reads FyneApp.toml and the icon it names from fsys (main
// embeds both), giving the complete metadata of the app.
func LoadMetadata(fsys fs.FS) (fyne.AppMetadata, error) {
	data, err := fs.ReadFile(fsys, MetadataFile)
	if err != nil {
		return fyne.AppMetadata{}, err
	}
	f, err := parseFyneApp(data)
	if err != nil {
		return fyne.AppMetadata{}, err
	}
	m := f.metadata()
	if f.Details.Icon == "" {
		return m, errors.New(MetadataFile + ": missing Details.Icon")
	}
	icon, err := fs.ReadFile(fsys, path.Clean(f.Details.Icon))
	if err != nil {
		return m, fmt.Errorf("%s: icon: %w", MetadataFile, err)
	}
	m.Icon = fyne.NewStaticResource(path.Base(f.Details.Icon), icon)
	return m, nil
}
