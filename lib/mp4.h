/*
 * mp4.h: what a fragmented MP4 recording holds, read from the file.
 *
 * The relay's local parts are fragmented MP4 (mp4mux fragment-duration,
 * written unbuffered).  A part whose process was killed has no final
 * duration anywhere: its moov says 0.  This module walks the file's
 * boxes, reading only the moov and each moof (an mdat is skipped by its
 * size, so a part of gigabytes costs a few reads per second of media),
 * and adds up the sample durations of every complete fragment.  Plain C
 * through a read-at callback: no GStreamer, no GLib, so the unit tests
 * and the fuzzer feed it memory and the relay a file.
 */
#ifndef HEADER_VIGIL_MP4_H
#define HEADER_VIGIL_MP4_H

#include <stddef.h>
#include <stdint.h>

struct mp4_info {
	/*
	 * 1 when at least one fragment is complete: a moof with a sample,
	 * followed by an mdat that lies wholly within the file and holds
	 * at least a byte per sample.
	 * For a file that is not fragmented (a moov without mvex), a
	 * complete non-empty top-level mdat.
	 */
	int		 has_media;
	/*
	 * Seconds of media in the complete fragments: over the tracks, the
	 * latest end (baseMediaDecodeTime plus the fragment's sample
	 * durations, in the track's timescale) minus the earliest start.
	 * For a file that is not fragmented, the moov's duration.  -1 when
	 * unknown: no moov or a malformed one, a fragment of a track it
	 * does not describe, a sample duration with no default to take,
	 * more boxes or a larger moof than a recording of ours has, more
	 * than 30 days, or MP4_SCAN_MEDIA.
	 */
	double		 duration;
	uint64_t	 fragments;	/* complete fragments counted */
	/*
	 * Bytes at the end that are a write cut short (a full disk, a
	 * killed process): all that follows the last whole box when the
	 * walk ends in a box that runs past the end, a box header cut
	 * short, or moofs whose mdat never came (a moof is whole only
	 * with the mdat after it).  Players refuse a file that ends
	 * inside a moof ("error reading header"); the first size - cut
	 * bytes are whole and say the same as the data.  0 when the data
	 * ends with a whole box, and whenever the walk stopped before the
	 * end for another reason (a malformed box, a limit, a failed read,
	 * MP4_SCAN_MEDIA's first fragment): only a cut is ever cut.
	 */
	uint64_t	 cut;
};

/*
 * Read len bytes at off into buf: 0 when all of them were read, -1
 * otherwise (an error or the end of the data).
 */
typedef int	(*mp4_read_fn)(void *arg, uint64_t off, void *buf,
		    size_t len);

/*
 * mp4_scan() flags.  MP4_SCAN_MEDIA: has_media only, the walk stops at
 * the first complete fragment (a few reads however long the file) and
 * the duration is left unknown.
 */
#define MP4_SCAN_MEDIA	0x01

/*
 * Walk the size bytes that read_at gives and fill info.  Never reads
 * outside [0, size), reads each top-level box at most once, and never
 * trusts a size or count in the data to allocate or loop: a box that
 * runs past the end, a field that does not fit its box or a count its
 * box cannot hold ends the walk, and what was complete before it is
 * what info describes.  Returns 0, or -1 when read_at or memory failed
 * (info then says what was read before, with the duration unknown).
 */
int	 mp4_scan(mp4_read_fn read_at, void *arg, uint64_t size, int flags,
	    struct mp4_info *info);

/*
 * mp4_scan() on the regular file at path, through pread(2).  Returns
 * 0, or -1 with errno set when it cannot be opened, is not a regular
 * file or a read fails (info then says what was read before).
 */
int	 mp4_scan_file(const char *path, int flags, struct mp4_info *info);

/*
 * mp4_scan_file() with the whole walk, then, when the file holds media
 * and ends in a write cut short (info->cut), truncate it to its whole
 * boxes, so every player reads it; info describes the file as it is
 * left (cut says what was removed).  Returns 0, or -1 with errno set
 * (the file is then as it was, or as far as the truncation went).
 */
int	 mp4_trim_file(const char *path, struct mp4_info *info);

#endif /* HEADER_VIGIL_MP4_H */
