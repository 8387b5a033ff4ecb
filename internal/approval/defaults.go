package approval

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// defaultFiles are the rule sets the demo city starts with, one file per
// service item named by its code.
//
//go:embed rulesets/*.yaml
var defaultFiles embed.FS

// DefaultSources returns the default rule set sources by item code.
func DefaultSources() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(defaultFiles, "rulesets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := defaultFiles.ReadFile(p)
		if err != nil {
			return err
		}
		out[strings.TrimSuffix(path.Base(p), ".yaml")] = src
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("default rule sets: %w", err)
	}
	return out, nil
}
