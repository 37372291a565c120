//! Fixed, fast hashing for the maps on the per-message and per-route paths: std's SipHash is
//! randomly seeded and costs tens of cycles per key, and nothing here hashes input chosen to
//! collide (route keys are hashed again, and the few per-peer maps are small).

use std::hash::Hasher;

/// A fixed, fast 64-bit hasher: eight octets at a time, multiply-rotate mixing, then a
/// splitmix64 avalanche. The same input always gives the same key, unlike std's randomly
/// seeded SipHash, and it costs a few cycles per word.
#[derive(Debug, Clone, Copy)]
pub struct KeyHasher(u64);

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl KeyHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        avalanche(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        // The length keeps "ab" + "" apart from "a" + "b".
        self.mix(u64::from_le_bytes(w) ^ ((bytes.len() as u64) << 56));
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(n as u64 | 0x100);
    }

    fn write_u16(&mut self, n: u16) {
        self.mix(n as u64 | 0x2_0000);
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(n as u64 | 0x4_0000_0000);
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }
}

/// A `HashMap` build-hasher for keys that are already hashes.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityBuild;

/// Passes a u64 key through (it is already a good hash).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl std::hash::BuildHasher for IdentityBuild {
    type Hasher = IdentityHasher;
    fn build_hasher(&self) -> IdentityHasher {
        IdentityHasher::default()
    }
}

/// A `HashMap` build-hasher using [`KeyHasher`]: for the views' small per-peer and per-row
/// maps, whose keys are looked up once or twice per message.
pub type FastBuild = std::hash::BuildHasherDefault<KeyHasher>;

/// splitmix64's finaliser: every input bit changes about half of the output bits.
pub fn avalanche(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
