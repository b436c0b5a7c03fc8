//! The index layout: which fields exist, how text is analysed, and the numeric codes stored in
//! fast fields. Kept in one place so that writing and querying cannot disagree.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    TokenizerManager,
};

/// Bumped whenever the layout or the meaning of a field changes: an index written with another
/// version is rebuilt from scratch rather than misread.
pub const SCHEMA_VERSION: u32 = 2;

/// English words, folded to ASCII, stop words dropped, stemmed: "Walking" and "walks" meet at "walk".
pub const STEMMED: &str = "lw_stem";
/// The same words unstemmed, for typo tolerance: edit distance is measured on what people type,
/// and "walkng" is one edit from "walking" but two from the stem "walk".
pub const WORDS: &str = "lw_words";

/// Stored in place of coordinates for a service without a site: outside every valid range, so
/// no bounding box ever contains it, and it keeps the column dense (one value per document),
/// which is the fastest column to read.
pub const NO_COORD: f64 = 999.0;
/// The `lat_band` of a latitude. Documents without coordinates get band 0 (the south pole) rather
/// than one past the north pole, which would widen every value to 21 bits; the collector leaves
/// them out of radius searches anyway.
pub fn lat_band(lat: f64) -> u64 {
    ((lat + 90.0) * 1000.0).floor().max(0.0) as u64
}

/// Stored as the maximum age when the listing has none.
pub const NO_MAX_AGE: u64 = 1_000;

pub const COST_FREE: u64 = 0;
pub const COST_LOW: u64 = 1;
pub const COST_PAID: u64 = 2;
pub const COST_UNKNOWN: u64 = 3;

pub const CAPACITY_NONE: u64 = 0;
pub const CAPACITY_SOME: u64 = 1;
pub const CAPACITY_UNKNOWN: u64 = 2;

/// Status term of a service that may be shown (HSDS `active`, or no status at all).
pub const ACTIVE: &str = "active";


#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub service_id: Field,
    pub sal_id: Field,
    pub location_id: Field,
    /// Hash of the service id; documents of one service are adjacent, and this tells them apart.
    pub service_key: Field,
    pub name: Field,
    pub body: Field,
    pub words: Field,
    pub listing: Field,
    pub organization_id: Field,
    pub organization_name: Field,
    pub location_name: Field,
    pub address: Field,
    pub snippet: Field,
    pub terms: Field,
    pub taxonomy: Field,
    pub language: Field,
    pub slot: Field,
    pub status: Field,
    /// 1 when the service is not active: checked by the collector on cached values, because
    /// requiring the `active` term would add a full-length list to every intersection.
    pub hidden: Field,
    pub lat: Field,
    pub lon: Field,
    /// Latitude in thousandths of a degree from the south pole (about 111 m): what the range
    /// query of a radius search scans. A few bits per document, where the f64 column takes 64.
    pub lat_band: Field,
    pub min_age: Field,
    pub max_age: Field,
    pub cost: Field,
    pub wheelchair: Field,
    pub capacity: Field,
    pub places: Field,
    /// The site's opening half-hours of the week as a bitmap ([`OPEN_SLOT_BYTES`] bytes), read
    /// back by matching; `slot` is what filters.
    pub open_slots: Field,
    pub wait_time: Field,
}

/// 336 half-hours a week, one bit each.
pub const OPEN_SLOT_BYTES: usize = 42;

/// The bitmap stored in `open_slots`.
pub fn slot_bitmap(slots: &[u16]) -> Vec<u8> {
    let mut bits = vec![0u8; OPEN_SLOT_BYTES];
    for s in slots.iter().map(|s| usize::from(*s)).filter(|s| *s < OPEN_SLOT_BYTES * 8) {
        bits[s / 8] |= 1 << (s % 8);
    }
    bits
}

/// The slots of a stored bitmap, in order.
pub fn bitmap_slots(bits: &[u8]) -> Vec<u16> {
    (0..bits.len().min(OPEN_SLOT_BYTES) * 8).filter(|s| bits[s / 8] & (1 << (s % 8)) != 0).map(|s| s as u16).collect()
}

pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let stemmed = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(STEMMED).set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    // Only membership matters for fuzzy matching: no frequencies, no norms.
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(WORDS).set_index_option(IndexRecordOption::Basic).set_fieldnorms(false),
    );
    let keyword = STRING;
    let code = NumericOptions::default().set_indexed().set_fast();
    let fast = NumericOptions::default().set_fast();

    b.add_text_field("service_id", STRING | STORED);
    b.add_text_field("sal_id", STORED);
    b.add_text_field("location_id", STORED);
    b.add_u64_field("service_key", fast.clone());
    b.add_text_field("name", stemmed(true));
    b.add_text_field("body", stemmed(false));
    b.add_text_field("words", words);
    b.add_text_field("listing", STORED);
    b.add_text_field("organization_id", keyword.clone() | STORED);
    b.add_text_field("organization_name", STORED);
    b.add_text_field("location_name", STORED);
    b.add_text_field("address", STORED);
    b.add_text_field("snippet", STORED);
    b.add_text_field("terms", STORED);
    b.add_text_field("taxonomy", keyword.clone());
    // Stored too: matching weighs the person's language without reading the listing.
    b.add_text_field("language", keyword.clone() | STORED);
    b.add_u64_field("slot", INDEXED);
    b.add_text_field("status", keyword);
    b.add_u64_field("hidden", NumericOptions::default().set_fast());
    b.add_f64_field("lat", FAST);
    b.add_f64_field("lon", FAST);
    b.add_u64_field("lat_band", NumericOptions::default().set_fast());
    b.add_u64_field("min_age", fast.clone());
    b.add_u64_field("max_age", fast);
    b.add_u64_field("cost", code.clone());
    b.add_u64_field("wheelchair", code.clone());
    b.add_u64_field("capacity", code);
    b.add_f64_field("places", STORED);
    b.add_bytes_field("open_slots", STORED);
    b.add_text_field("wait_time", STORED);
    b.build()
}

impl Fields {
    pub fn from_schema(s: &Schema) -> tantivy::Result<Self> {
        Ok(Fields {
            service_id: s.get_field("service_id")?,
            sal_id: s.get_field("sal_id")?,
            location_id: s.get_field("location_id")?,
            service_key: s.get_field("service_key")?,
            name: s.get_field("name")?,
            body: s.get_field("body")?,
            words: s.get_field("words")?,
            listing: s.get_field("listing")?,
            organization_id: s.get_field("organization_id")?,
            organization_name: s.get_field("organization_name")?,
            location_name: s.get_field("location_name")?,
            address: s.get_field("address")?,
            snippet: s.get_field("snippet")?,
            terms: s.get_field("terms")?,
            taxonomy: s.get_field("taxonomy")?,
            language: s.get_field("language")?,
            slot: s.get_field("slot")?,
            status: s.get_field("status")?,
            hidden: s.get_field("hidden")?,
            lat: s.get_field("lat")?,
            lon: s.get_field("lon")?,
            lat_band: s.get_field("lat_band")?,
            min_age: s.get_field("min_age")?,
            max_age: s.get_field("max_age")?,
            cost: s.get_field("cost")?,
            wheelchair: s.get_field("wheelchair")?,
            capacity: s.get_field("capacity")?,
            places: s.get_field("places")?,
            open_slots: s.get_field("open_slots")?,
            wait_time: s.get_field("wait_time")?,
        })
    }
}

pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::English).expect("tantivy ships English stop words"))
        .filter(Stemmer::new(Language::English))
        .build()
}

pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Analyzers are not saved in the index, so they are registered every time it is opened.
pub fn register_analyzers(m: &TokenizerManager) {
    m.register(STEMMED, stemmed_analyzer());
    m.register(WORDS, words_analyzer());
}
