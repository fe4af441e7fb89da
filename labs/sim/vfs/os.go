package vfs

import (
	"os"
	"sort"
)

// OS is the real file system. Names are ordinary paths (relative to the
// process's working directory or absolute), so a server configured with
// dataDir=/var/lib/zk writes exactly there. The zero value is ready to use:
//
//	var fs vfs.FS = vfs.OS{}
type OS struct{}

var _ FS = OS{}

type osFile struct{ *os.File }

func (f osFile) Size() (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// OpenFile opens a real file.
func (OS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (OS) Remove(name string) error                    { return os.Remove(name) }
func (OS) RemoveAll(name string) error                 { return os.RemoveAll(name) }
func (OS) Rename(oldpath, newpath string) error        { return os.Rename(oldpath, newpath) }
func (OS) MkdirAll(dir string, perm os.FileMode) error { return os.MkdirAll(dir, perm) }
func (OS) Stat(name string) (os.FileInfo, error)       { return os.Stat(name) }

// ReadDir lists the names in dir, sorted.
func (OS) ReadDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	return names, nil
}

// SyncDir fsyncs the directory itself, which is what makes a create,
// rename or remove inside it survive a power cut on Linux.
func (OS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}
