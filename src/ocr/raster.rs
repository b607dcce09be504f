//! Grey page images and the few operations the OCR pipeline needs: decoding, bilinear
//! resampling (resize, and the crop of a rotated text box), turning by 90° and 180°.
//!
//! Pure CPU work on bytes handed in.

/// An 8-bit grey image, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` bytes.
    pub pixels: Vec<u8>,
}

impl Gray {
    /// A blank (white) image.
    pub fn white(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            pixels: vec![255; width as usize * height as usize],
        }
    }

    /// Decodes a PNG or JPEG (any colour type; colour is averaged to grey).
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())?;
        let mut reader = reader;
        // A page scan is at most A3 at 600 dpi (7 016 × 9 921); beyond that it is not a page.
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(512 << 20);
        reader.limits(limits);
        let decoded = reader.decode().map_err(|e| e.to_string())?;
        let luma = decoded.into_luma8();
        Ok(Self {
            width: luma.width(),
            height: luma.height(),
            pixels: luma.into_raw(),
        })
    }

    /// From RGBA pixels (a rendered PDF page), by the usual luma weights.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Self {
        let pixels = rgba
            .chunks_exact(4)
            .map(|p| {
                let y = (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]) + 500) / 1000;
                u8::try_from(y).unwrap_or(u8::MAX)
            })
            .collect();
        Self { width, height, pixels }
    }

    /// Encodes as PNG (lossless; for passing a page between processes and for tests).
    pub fn to_png(&self) -> Result<Vec<u8>, String> {
        self.encode(None)
    }

    /// Encodes as JPEG at `quality` (1–100).
    pub fn to_jpeg(&self, quality: u8) -> Result<Vec<u8>, String> {
        self.encode(Some(quality))
    }

    /// PNG, or JPEG at a quality.
    fn encode(&self, jpeg_quality: Option<u8>) -> Result<Vec<u8>, String> {
        use image::ImageEncoder;
        let mut out = Vec::new();
        let (pixels, w, h, grey) = (&self.pixels, self.width, self.height, image::ExtendedColorType::L8);
        match jpeg_quality {
            None => image::codecs::png::PngEncoder::new(&mut out).write_image(pixels, w, h, grey),
            Some(q) => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q).write_image(pixels, w, h, grey),
        }
        .map_err(|e| e.to_string())?;
        Ok(out)
    }

    fn at(&self, x: i64, y: i64) -> f32 {
        let x = x.clamp(0, i64::from(self.width) - 1) as usize;
        let y = y.clamp(0, i64::from(self.height) - 1) as usize;
        f32::from(self.pixels[y * self.width as usize + x])
    }

    /// The value at a point between pixel centres (pixel `(i, j)`'s centre is at
    /// `(i + 0.5, j + 0.5)`), bilinear, the border repeated outwards.
    pub fn sample(&self, x: f32, y: f32) -> f32 {
        let fx = x - 0.5;
        let fy = y - 0.5;
        let x0 = fx.floor();
        let y0 = fy.floor();
        let ax = fx - x0;
        let ay = fy - y0;
        let (x0, y0) = (x0 as i64, y0 as i64);
        let top = self.at(x0, y0) * (1.0 - ax) + self.at(x0 + 1, y0) * ax;
        let bottom = self.at(x0, y0 + 1) * (1.0 - ax) + self.at(x0 + 1, y0 + 1) * ax;
        top * (1.0 - ay) + bottom * ay
    }

    /// Resized to `width × height`, bilinear (as OpenCV's `INTER_LINEAR`).
    pub fn resized(&self, width: u32, height: u32) -> Self {
        let width = width.max(1);
        let height = height.max(1);
        let sx = self.width as f32 / width as f32;
        let sy = self.height as f32 / height as f32;
        let mut pixels = Vec::with_capacity(width as usize * height as usize);
        for j in 0..height {
            let y = (j as f32 + 0.5) * sy;
            for i in 0..width {
                let x = (i as f32 + 0.5) * sx;
                pixels.push(self.sample(x, y).round().clamp(0.0, 255.0) as u8);
            }
        }
        Self { width, height, pixels }
    }

    /// The parallelogram with corner `origin` and sides `across` (along the text) and `down`,
    /// in this image's pixel coordinates, straightened to `width × height` pixels.
    pub fn crop(&self, origin: [f32; 2], across: [f32; 2], down: [f32; 2], width: u32, height: u32) -> Self {
        let width = width.max(1);
        let height = height.max(1);
        let mut pixels = Vec::with_capacity(width as usize * height as usize);
        for j in 0..height {
            let v = (j as f32 + 0.5) / height as f32;
            for i in 0..width {
                let u = (i as f32 + 0.5) / width as f32;
                let x = origin[0] + across[0] * u + down[0] * v;
                let y = origin[1] + across[1] * u + down[1] * v;
                pixels.push(self.sample(x, y).round().clamp(0.0, 255.0) as u8);
            }
        }
        Self { width, height, pixels }
    }

    /// Turned half a turn.
    pub fn rotated_180(&self) -> Self {
        let mut pixels = self.pixels.clone();
        pixels.reverse();
        Self {
            width: self.width,
            height: self.height,
            pixels,
        }
    }

    /// Turned a quarter turn anticlockwise (NumPy's `rot90`): the top row becomes the left
    /// column, read bottom to top.
    pub fn rotated_90_anticlockwise(&self) -> Self {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut pixels = vec![0; w * h];
        for y in 0..h {
            for x in 0..w {
                // (x, y) → (y, w - 1 - x) in an image h wide and w high.
                pixels[(w - 1 - x) * h + y] = self.pixels[y * w + x];
            }
        }
        Self {
            width: self.height,
            height: self.width,
            pixels,
        }
    }
}

/// The longest side a page image may have (pixels).
pub const MAX_SIDE: u32 = 12_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(width: u32, height: u32) -> Gray {
        let pixels = (0..height)
            .flat_map(|y| (0..width).map(move |x| u8::try_from((x * 10 + y) % 256).unwrap()))
            .collect();
        Gray { width, height, pixels }
    }

    #[test]
    fn resizing_to_the_same_size_keeps_every_pixel() {
        let image = ramp(13, 7);
        assert_eq!(image.resized(13, 7), image);
    }

    #[test]
    fn a_crop_along_the_axes_is_the_sub_image() {
        let image = ramp(20, 10);
        let crop = image.crop([3.0, 2.0], [5.0, 0.0], [0.0, 4.0], 5, 4);
        for y in 0..4 {
            for x in 0..5 {
                assert_eq!(
                    crop.pixels[(y * 5 + x) as usize],
                    image.pixels[((y + 2) * 20 + x + 3) as usize]
                );
            }
        }
    }

    #[test]
    fn quarter_turns_and_half_turns_move_the_corners() {
        let image = Gray {
            width: 3,
            height: 2,
            pixels: vec![1, 2, 3, 4, 5, 6],
        };
        let turned = image.rotated_90_anticlockwise();
        assert_eq!((turned.width, turned.height), (2, 3));
        // The top row (1 2 3) is the left column read upwards.
        assert_eq!(turned.pixels, vec![3, 6, 2, 5, 1, 4]);
        assert_eq!(image.rotated_180().pixels, vec![6, 5, 4, 3, 2, 1]);
    }

    #[test]
    fn a_scan_claiming_a_huge_size_or_cut_short_is_refused_before_it_is_decoded() {
        // A real PNG whose header is made to claim 60 000 × 60 000 pixels (3.6 gigapixels): the
        // side limit refuses it before any pixel buffer is allocated.
        let mut png = ramp(4, 4).to_png().unwrap();
        let ihdr = 8 + 8; // signature, chunk length and type
        png[ihdr..ihdr + 4].copy_from_slice(&60_000u32.to_be_bytes());
        png[ihdr + 4..ihdr + 8].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32fast::hash(&png[12..ihdr + 13]);
        png[ihdr + 13..ihdr + 17].copy_from_slice(&crc.to_be_bytes());
        let err = Gray::decode(&png).unwrap_err();
        assert!(err.to_lowercase().contains("limit"), "{err}");
        // A PNG cut short is refused; a JPEG cut in its data is decoded as far as it goes
        // (the decoder fills the rest), at its declared size — the page's top is still read.
        let png = ramp(300, 200).to_png().unwrap();
        assert!(Gray::decode(&png[..png.len() / 2]).is_err());
        let jpeg = ramp(300, 200).to_jpeg(80).unwrap();
        let cut = Gray::decode(&jpeg[..jpeg.len() / 3]).unwrap();
        assert_eq!((cut.width, cut.height), (300, 200));
        assert!(Gray::decode(&jpeg[..20]).is_err(), "a header alone is no image");
    }

    #[test]
    fn png_round_trips_and_garbage_is_refused() {
        let image = ramp(31, 17);
        let back = Gray::decode(&image.to_png().unwrap()).unwrap();
        assert_eq!(back, image);
        assert!(Gray::decode(b"not an image").is_err());
        assert!(Gray::decode(&[0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0]).is_err());
    }
}
