package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"maps"
	"strings"
	"testing"
)

// TestRefused: every bad bundle is refused with an error naming the
// problem, of the kind the admin API maps to its status, and leaves the
// repository exactly as it was (walked before and after).
func TestRefused(t *testing.T) {
	now := Entry{File: "sequences/a.xml"}
	seqA := member{"sequences/a.xml", seqXML("A")}
	cases := []struct {
		name string
		pre  func(t *testing.T, f *fixture) // state before the refused install
		zip  func(t *testing.T) []byte
		lim  Limits
		is   error
		want string
	}{
		{name: "not a zip", zip: func(*testing.T) []byte { return []byte("hello") },
			is: ErrInvalid, want: "not a zip archive"},
		{name: "missing manifest", zip: func(t *testing.T) []byte { return makeZip(t, seqA) },
			is: ErrInvalid, want: "manifest.json missing at the root of the zip"},
		{name: "manifest in a subfolder", zip: func(t *testing.T) []byte {
			return makeZip(t, member{"b/manifest.json", "{}"}, seqA)
		}, is: ErrInvalid, want: `"b/manifest.json": entries must be sequences/<name>.xml or endpoints/<name>.xml`},
		{name: "manifest not json", zip: func(t *testing.T) []byte { return makeZip(t, member{"manifest.json", "{name"}, seqA) },
			is: ErrInvalid, want: "manifest.json: invalid character"},
		{name: "unknown manifest field", zip: func(t *testing.T) []byte {
			return makeZip(t, member{"manifest.json", `{"name":"b","version":"1","entires":[]}`}, seqA)
		}, is: ErrInvalid, want: `unknown field "entires"`},
		{name: "bad bundle name", zip: func(t *testing.T) []byte { return makeZip(t, manifest("a b", nil, now), seqA) },
			is: ErrInvalid, want: `name "a b" must be letters`},
		{name: "dot-dot bundle name", zip: func(t *testing.T) []byte { return makeZip(t, manifest("..", nil, now), seqA) },
			is: ErrInvalid, want: `name ".." must be`},
		{name: "no entries", zip: func(t *testing.T) []byte { return makeZip(t, manifest("b", nil)) },
			is: ErrInvalid, want: "manifest.json: no entries"},
		{name: "bad deploy mode", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, Entry{File: "sequences/a.xml", Deploy: "later"}), seqA)
		}, is: ErrInvalid, want: `deploy "later" must be immediate or deferred`},
		{name: "traversal in a zip member", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"sequences/../../evil.xml", seqXML("E")})
		}, is: ErrInvalid, want: `"sequences/../../evil.xml": path traversal`},
		{name: "traversal at the start", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"../evil.xml", seqXML("E")})
		}, is: ErrInvalid, want: `"../evil.xml": path traversal`},
		{name: "traversal in an entry", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, Entry{File: "sequences/../x.xml"}), seqA)
		}, is: ErrInvalid, want: `"sequences/../x.xml": not a clean path`},
		{name: "absolute path", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"/etc/evil.xml", seqXML("E")})
		}, is: ErrInvalid, want: `"/etc/evil.xml": absolute path`},
		{name: "backslash", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{`sequences\..\evil.xml`, seqXML("E")})
		}, is: ErrInvalid, want: "backslash in a file name"},
		{name: "outside sequences and endpoints", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, Entry{File: "lib/a.xml"}), member{"lib/a.xml", seqXML("A")})
		}, is: ErrInvalid, want: `"lib/a.xml": entries must be sequences/<name>.xml or endpoints/<name>.xml`},
		{name: "subfolder", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"sequences/x/a.xml", seqXML("A")})
		}, is: ErrInvalid, want: `"sequences/x/a.xml": entries must be`},
		{name: "listed but missing", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now, Entry{File: "sequences/gone.xml"}), seqA)
		}, is: ErrInvalid, want: `manifest.json lists "sequences/gone.xml", missing from the zip`},
		{name: "in the zip but not listed", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"sequences/extra.xml", seqXML("X")})
		}, is: ErrInvalid, want: `"sequences/extra.xml" is in the zip but not listed in manifest.json`},
		{name: "duplicate entry", zip: func(t *testing.T) []byte { return makeZip(t, manifest("b", nil, now, now), seqA) },
			is: ErrInvalid, want: `"sequences/a.xml" listed twice`},
		{name: "duplicate zip member", zip: func(t *testing.T) []byte { return makeZip(t, manifest("b", nil, now), seqA, seqA) },
			is: ErrInvalid, want: `"sequences/a.xml" appears twice in the zip`},
		{name: "two entries one name", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now, Entry{File: "sequences/a2.xml"}), seqA, member{"sequences/a2.xml", seqXML("A")})
		}, is: ErrInvalid, want: `"sequences/a.xml" and "sequences/a2.xml" both provide sequence "A"`},
		{name: "unknown tenant", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, Entry{File: "sequences/a.xml", Tenant: "nobody.com"}), seqA)
		}, is: ErrInvalid, want: `entry "sequences/a.xml": unknown tenant "nobody.com"`},
		{name: "sequence does not compile", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), member{"sequences/a.xml", `<sequence name="A"><nosuchmediator/></sequence>`})
		}, is: ErrInvalid, want: "b/sequences/a.xml:1:"},
		{name: "endpoint does not compile", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, Entry{File: "endpoints/e.xml"}), member{"endpoints/e.xml", `<endpoint name="E"><address/></endpoint>`})
		}, is: ErrInvalid, want: "b/endpoints/e.xml:1:"},
		{name: "duplicate bundle name", pre: installed(t, "b"), zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, Entry{File: "sequences/other.xml"}), member{"sequences/other.xml", seqXML("Other")})
		}, is: ErrExists, want: `bundle already installed: "b" (version 1.0.0`},
		{name: "name provided by another bundle", pre: installed(t, "b"), zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("c", nil, Entry{File: "sequences/c.xml"}), member{"sequences/c.xml", seqXML("bNow")})
		}, is: ErrConflict, want: `sequence "bNow" of tenant carbon.super is already provided by bundle "b"`},
		{name: "deferred name reserved", pre: installed(t, "b"), zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("c", nil, Entry{File: "sequences/c.xml"}), member{"sequences/c.xml", seqXML("bLater")})
		}, is: ErrConflict, want: `sequence "bLater" of tenant carbon.super is already provided by bundle "b"`},
		{name: "file written by another bundle", pre: installed(t, "b"), zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("c", nil, Entry{File: "sequences/b_now.xml"}), member{"sequences/b_now.xml", seqXML("C")})
		}, is: ErrConflict, want: `belongs to bundle "b"`},
		{name: "operator file of that name", pre: operatorFile("a.xml", "Mine"), zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA)
		}, is: ErrConflict, want: "exists and was not written by this bundle; refusing to overwrite it"},
		{name: "operator sequence of that name", pre: operatorFile("mine.xml", "A"), zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA)
		}, is: ErrConflict, want: `sequence "A" of tenant carbon.super is already provided by /`},
		{name: "oversized zip", lim: Limits{MaxZipBytes: 512}, zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"pad", strings.Repeat("x", 600)})
		}, is: ErrTooLarge, want: "over the 512-byte limit"},
		{name: "too many files", lim: Limits{MaxEntries: 2}, zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"sequences/x.xml", "x"})
		}, is: ErrTooLarge, want: "3 files in the zip, over the limit of 2"},
		{name: "zip bomb: total", lim: Limits{MaxTotalBytes: 1 << 20}, zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"sequences/big.xml", strings.Repeat(" ", 2<<20)})
		}, is: ErrTooLarge, want: `uncompressed content over the 1048576-byte limit (at "sequences/big.xml")`},
		{name: "zip bomb: ratio", zip: func(t *testing.T) []byte {
			return makeZip(t, manifest("b", nil, now), seqA, member{"sequences/big.xml", strings.Repeat(" ", 1<<20)})
		}, is: ErrTooLarge, want: "refused as a zip bomb"},
		{name: "zip bomb: lying header", zip: func(t *testing.T) []byte {
			return lyingZip(t, manifest("b", nil, now), "sequences/a.xml", seqXML("A")+strings.Repeat(" ", 100000), 200)
		}, is: ErrInvalid, want: `"sequences/a.xml": content does not match its header`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "default", tc.lim)
			if tc.pre != nil {
				tc.pre(t, f)
			}
			before := snapshot(t, f.root)
			_, err := f.m.Install(tc.zip(t), "upload")
			if err == nil {
				t.Fatal("installed, want refused")
			}
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q (is %v: %v), want one containing %q", err, tc.is, errors.Is(err, tc.is), tc.want)
			}
			if after := snapshot(t, f.root); !maps.Equal(before, after) {
				t.Fatalf("a refused bundle wrote to the repository:\nbefore %v\nafter  %v", keys(before), keys(after))
			}
		})
	}
}

// installed installs simple(name) before the case.
func installed(t *testing.T, name string) func(*testing.T, *fixture) {
	return func(t *testing.T, f *fixture) {
		if _, err := f.m.Install(simple(t, name), "upload"); err != nil {
			t.Fatal(err)
		}
	}
}

// operatorFile writes an operator's own sequence file before the case.
func operatorFile(file, seq string) func(*testing.T, *fixture) {
	return func(t *testing.T, f *fixture) { writeFile(t, f.seqDir+"/"+file, seqXML(seq)) }
}

// lyingZip holds mf and one deflated member whose header declares
// declared bytes while its data inflates to body.
func lyingZip(t *testing.T, mf member, name, body string, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	_, _ = fw.Write([]byte(body))
	_ = fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(mf.name)
	_, _ = w.Write([]byte(mf.body))
	raw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(body)),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = raw.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func keys(m map[string][32]byte) []string {
	out := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		out = append(out, k)
	}
	return out
}
