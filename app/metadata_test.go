package app

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// repoRoot is the folder main embeds FyneApp.toml and Icon.png from.
var repoRoot = os.DirFS("..")

// loadRepoMetadata is what main does at start, from the repository's files
// instead of the embedded copies of them.
func loadRepoMetadata(t *testing.T) {
	t.Helper()
	m, err := LoadMetadata(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	id, version, build := ID, Version, BuildNumber
	t.Cleanup(func() { ID, Version, BuildNumber = id, version, build })
	SetMetadata(m)
}

// The metadata the binary hands to Fyne is FyneApp.toml's, migrations
// included: [Migrations] fyneDo = true must reach the running app (issue 9,
// point 2), and the version is the file's.
func TestMetadataIsFyneAppTOML(t *testing.T) {
	raw, err := os.ReadFile("../" + MetadataFile)
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadMetadata(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Migrations["fyneDo"] {
		t.Errorf("Migrations = %v, want fyneDo: true (FyneApp.toml says so)", m.Migrations)
	}
	// Read the version the plain way, apart from the TOML decoder.
	want := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(raw)
	if want == nil {
		t.Fatal("no Version in FyneApp.toml")
	}
	if m.Version != string(want[1]) {
		t.Errorf("Version = %q, FyneApp.toml says %q", m.Version, want[1])
	}
	if m.ID != "com.verifydesk.console" || m.Name != "Verifydesk" || m.Build < 1 {
		t.Errorf("ID %q, Name %q, Build %d", m.ID, m.Name, m.Build)
	}
	icon, err := os.ReadFile("../Icon.png")
	if err != nil {
		t.Fatal(err)
	}
	if m.Icon == nil || m.Icon.Name() != "Icon.png" || !bytes.Equal(m.Icon.Content(), icon) {
		t.Errorf("icon is not Icon.png: %v", m.Icon)
	}
	if m.Release != releaseBuild {
		t.Errorf("Release = %v in a build with release=%v", m.Release, releaseBuild)
	}

	loadRepoMetadata(t)
	if Version != m.Version || ID != m.ID || BuildNumber != m.Build {
		t.Errorf("app.Version %q, ID %q, BuildNumber %d: not the metadata's", Version, ID, BuildNumber)
	}
}

func TestMetadataFromTOML(t *testing.T) {
	m, err := MetadataFromTOML([]byte(`
Website = "https://example.com"
[Details]
  Icon = "Icon.png"
  Name = "X"
  ID = "com.example.x"
  Version = "1.2.3"
  Build = 7
[Development]
  mode = "dev"
[Release]
  mode = "release"
[Migrations]
  fyneDo = true
[LinuxAndBSD]
  Categories = ["Utility"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "com.example.x" || m.Name != "X" || m.Version != "1.2.3" || m.Build != 7 || !m.Migrations["fyneDo"] {
		t.Errorf("%+v", m)
	}
	wantMode := "dev"
	if releaseBuild {
		wantMode = "release"
	}
	if m.Custom["mode"] != wantMode {
		t.Errorf("Custom = %v, want mode %q", m.Custom, wantMode)
	}

	m, err = MetadataFromTOML([]byte("[Details]\nName = \"X\"\nID = \"x\"\nVersion = \"1\"\n"))
	if err != nil || m.Migrations == nil || m.Custom == nil {
		t.Errorf("no migrations section: %v, %+v (maps must not be nil, as Fyne's SetMetadata makes them)", err, m)
	}
}

func TestMetadataErrors(t *testing.T) {
	for name, text := range map[string]string{
		"not toml":        "[Details\n",
		"no version":      "[Details]\nName = \"X\"\nID = \"x\"\n",
		"no id":           "[Details]\nName = \"X\"\nVersion = \"1\"\n",
		"misspelt key":    "[Details]\nName = \"X\"\nID = \"x\"\nVersion = \"1\"\nVerison = \"2\"\n",
		"wrong type":      "[Details]\nName = \"X\"\nID = \"x\"\nVersion = \"1\"\nBuild = \"one\"\n",
		"migration value": "[Details]\nName = \"X\"\nID = \"x\"\nVersion = \"1\"\n[Migrations]\nfyneDo = \"yes\"\n",
	} {
		if _, err := MetadataFromTOML([]byte(text)); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), MetadataFile) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
	noIcon := fstest.MapFS{MetadataFile: {Data: []byte("[Details]\nIcon = \"Icon.png\"\nName = \"X\"\nID = \"x\"\nVersion = \"1\"\n")}}
	if _, err := LoadMetadata(noIcon); err == nil {
		t.Error("LoadMetadata without the icon file: no error")
	}
}
