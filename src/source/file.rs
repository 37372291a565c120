//! A file or standard input as a [`Source`]: its format recognised by content ([`super::run`]),
//! its streams named after it, its reading observable (for a progress display) and stoppable.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

use super::{Consumer, Control, Source, SourceError, SourceEvent, SourceOptions};

/// Called with the number of bytes of each read.
pub type OnRead = Box<dyn FnMut(usize) + Send>;

/// One input file, or standard input (`-`).
pub struct FileSource {
    name: String,
    reader: Option<Box<dyn Read + Send>>,
    len: Option<u64>,
    opts: SourceOptions,
    on_read: Option<OnRead>,
    prefix: bool,
}

impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSource")
            .field("name", &self.name)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl FileSource {
    /// Opens `path`; `-` is standard input. The input's name is the path as given.
    pub fn open(path: &Path, mut opts: SourceOptions) -> io::Result<FileSource> {
        let name = path.to_string_lossy().into_owned();
        let (reader, len): (Box<dyn Read + Send>, Option<u64>) = if name == "-" {
            // A pipe delivers a live stream: do not wait for large chunks before decoding
            // (or before replaying).
            opts.read_chunk = opts.read_chunk.min(4096);
            (Box::new(io::stdin()), None)
        } else {
            let f = File::open(path)?;
            let len = f.metadata().ok().map(|m| m.len());
            (Box::new(f), len)
        };
        Ok(Self::from_reader(name, reader, len, opts))
    }

    /// Any reader, under `name`.
    pub fn from_reader(
        name: String,
        reader: Box<dyn Read + Send>,
        len: Option<u64>,
        mut opts: SourceOptions,
    ) -> FileSource {
        opts.name = name.clone();
        FileSource {
            name,
            reader: Some(reader),
            len,
            opts,
            on_read: None,
            prefix: true,
        }
    }

    /// Keeps the stream names as the format gives them, without the input's name in front
    /// (for a caller that names the input itself).
    pub fn unprefixed(mut self) -> Self {
        self.prefix = false;
        self
    }

    /// The input's name prefixed to a stream name that differs from it (a capture holds one
    /// stream per TCP connection: `capture.pcap 192.0.2.1:38211->192.0.2.6:1790`).
    fn stream_name(&self, name: String) -> String {
        if !self.prefix || name == self.name {
            name
        } else {
            format!("{} {name}", self.name)
        }
    }
}

/// The input's reader, counting and stoppable: once the consumer answered [`Control::Stop`],
/// the next read fails and the source winds down.
struct Reader<'a> {
    inner: Box<dyn Read + Send>,
    on_read: Option<&'a mut OnRead>,
    stop: Rc<Cell<bool>>,
}

impl Read for Reader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.get() {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "reading stopped"));
        }
        let n = self.inner.read(buf)?;
        if let Some(f) = self.on_read.as_mut() {
            f(n);
        }
        Ok(n)
    }
}

impl Source for FileSource {
    fn name(&self) -> &str {
        &self.name
    }

    /// Its length, when it is a file (its size before decompression).
    fn size(&self) -> Option<u64> {
        self.len
    }

    /// Every read of the file (before decompression).
    fn on_read(&mut self, f: OnRead) {
        self.on_read = Some(f);
    }

    fn run(&mut self, to: &mut dyn Consumer) -> Result<(), SourceError> {
        let Some(inner) = self.reader.take() else {
            return Ok(());
        };
        let stop = Rc::new(Cell::new(false));
        let mut on_read = self.on_read.take();
        let reader = Reader {
            inner,
            on_read: on_read.as_mut(),
            stop: stop.clone(),
        };
        let result = super::run(reader, &self.opts, &mut |ev| {
            let ev = match ev {
                SourceEvent::StreamStart {
                    id,
                    name,
                    router,
                    time,
                } => SourceEvent::StreamStart {
                    id,
                    name: self.stream_name(name),
                    router,
                    time,
                },
                ev => ev,
            };
            if to.event(ev) == Control::Stop {
                stop.set(true);
            }
        });
        if stop.get() {
            // Stopped on purpose: whatever the reader said after that is not the input's fault.
            return Ok(());
        }
        result.map(|_| ())
    }
}
