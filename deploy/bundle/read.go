package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// maxManifestBytes bounds manifest.json.
const maxManifestBytes = 1 << 20

// ratioFloor: entries smaller than this are not ratio-checked (a few
// hundred bytes of repetitive XML legitimately compress 100-fold; the
// total limit bounds them anyway).
const ratioFloor = 64 << 10

// Bundle is a read and validated bundle: its manifest and every entry's
// content, compiled once to prove it deploys and to learn the name it
// provides. Nothing has been written when Read returns.
type Bundle struct {
	Manifest Manifest
	SHA256   string // of the zip, hex: tells the same upload from a new one
	Zip      []byte
	files    []entryFile // manifest order
}

// entryFile is one entry with its content and the compiled name.
type entryFile struct {
	Entry
	kind string // "sequence" or "endpoint"
	name string // the sequence's or endpoint's name attribute
	data []byte
}

// Read validates a bundle zip against lim without trusting its headers:
// declared sizes are checked first, then bytes are counted while reading.
func Read(data []byte, lim Limits) (*Bundle, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxZipBytes {
		return nil, fmt.Errorf("%w: zip is %d bytes, over the %d-byte limit", ErrTooLarge, len(data), lim.MaxZipBytes)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a zip archive: %v", ErrInvalid, err)
	}
	members, err := checkMembers(zr, lim)
	if err != nil {
		return nil, err
	}
	mf := members["manifest.json"]
	if mf == nil {
		return nil, fmt.Errorf("%w: manifest.json missing at the root of the zip", ErrInvalid)
	}
	m, err := readManifest(mf)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	b := &Bundle{Manifest: *m, SHA256: hex.EncodeToString(sum[:]), Zip: data}
	if err := b.readEntries(members, lim); err != nil {
		return nil, err
	}
	return b, nil
}

// checkMembers refuses unsafe, duplicate or oversized zip members and
// returns the files by name (folders left out).
func checkMembers(zr *zip.Reader, lim Limits) (map[string]*zip.File, error) {
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: %d files in the zip, over the limit of %d", ErrTooLarge, len(zr.File), lim.MaxEntries)
	}
	out := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		if err := checkMemberName(f.Name); err != nil {
			return nil, err
		}
		if f.FileInfo().IsDir() {
			continue
		}
		if out[f.Name] != nil {
			return nil, fmt.Errorf("%w: %q appears twice in the zip", ErrInvalid, f.Name)
		}
		out[f.Name] = f
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotalBytes) {
			return nil, fmt.Errorf("%w: uncompressed content over the %d-byte limit (at %q)", ErrTooLarge, lim.MaxTotalBytes, f.Name)
		}
		if f.UncompressedSize64 >= ratioFloor && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1) {
			return nil, fmt.Errorf("%w: %q expands %d-fold (over %d): refused as a zip bomb", ErrTooLarge, f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), lim.MaxRatio)
		}
	}
	return out, nil
}

// readManifest decodes manifest.json strictly (an unknown field is a
// typo to report, not to ignore) and validates it.
func readManifest(f *zip.File) (*Manifest, error) {
	data, err := readMember(f, maxManifestBytes)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: manifest.json: %v", ErrInvalid, err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// readMember reads one member, never more than limit bytes nor more than
// it declares (a header that lies is refused, not believed).
func readMember(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%w: %q is %d bytes, over the %d-byte limit", ErrTooLarge, f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrInvalid, f.Name, err)
	}
	defer rc.Close()
	bound := min(int64(f.UncompressedSize64), limit)
	data, err := io.ReadAll(io.LimitReader(rc, bound+1))
	if err != nil { // archive/zip also stops at the declared size
		return nil, fmt.Errorf("%w: %q: content does not match its header (%v)", ErrInvalid, f.Name, err)
	}
	if int64(len(data)) > bound {
		return nil, fmt.Errorf("%w: %q holds more than the %d bytes it declares: refused as a zip bomb", ErrTooLarge, f.Name, bound)
	}
	return data, nil
}
