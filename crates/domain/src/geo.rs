//! Places and distances.

use serde::{Deserialize, Serialize};

/// A WGS 84 point, valid by construction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    lat: f64,
    lon: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InvalidPoint {
    #[error("latitude {0} is outside -90 to 90")]
    Latitude(f64),
    #[error("longitude {0} is outside -180 to 180")]
    Longitude(f64),
    #[error("'{0}' is not a point (expected latitude,longitude such as 51.5,-0.12)")]
    Syntax(String),
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl Point {
    pub fn new(lat: f64, lon: f64) -> Result<Self, InvalidPoint> {
        if !(-90.0..=90.0).contains(&lat) || lat.is_nan() {
            return Err(InvalidPoint::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) || lon.is_nan() {
            return Err(InvalidPoint::Longitude(lon));
        }
        Ok(Point { lat, lon })
    }

    /// Parses `lat,lon`.
    pub fn parse(s: &str) -> Result<Self, InvalidPoint> {
        let (a, b) = s.split_once(',').ok_or_else(|| InvalidPoint::Syntax(s.into()))?;
        let lat = a.trim().parse().map_err(|_| InvalidPoint::Syntax(s.into()))?;
        let lon = b.trim().parse().map_err(|_| InvalidPoint::Syntax(s.into()))?;
        Point::new(lat, lon)
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Great-circle distance in metres (haversine).
    pub fn distance_m(&self, other: &Point) -> f64 {
        let (la1, la2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = la2 - la1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }

    /// A latitude/longitude box that contains every point within `radius_m` of this one.
    pub fn bounding_box(&self, radius_m: f64) -> BoundingBox {
        let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
        let coslat = self.lat.to_radians().cos().max(1e-6);
        let dlon = (radius_m / (EARTH_RADIUS_M * coslat)).to_degrees().min(180.0);
        BoundingBox {
            min_lat: (self.lat - dlat).max(-90.0),
            max_lat: (self.lat + dlat).min(90.0),
            min_lon: self.lon - dlon,
            max_lon: self.lon + dlon,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

/// A distance as people read it: "350 m", "2.4 km".
pub fn format_distance(m: f64) -> String {
    if m < 1000.0 {
        format!("{} m", ((m / 10.0).round() * 10.0) as i64)
    } else if m < 10_000.0 {
        format!("{:.1} km", m / 1000.0)
    } else {
        format!("{} km", (m / 1000.0).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_between_known_points() {
        let london = Point::new(51.5074, -0.1278).unwrap();
        let paris = Point::new(48.8566, 2.3522).unwrap();
        let d = london.distance_m(&paris);
        assert!((d - 343_500.0).abs() < 1_500.0, "{d}");
    }

    #[test]
    fn bounding_box_contains_the_circle() {
        let p = Point::new(25.76, -80.19).unwrap();
        let b = p.bounding_box(5_000.0);
        let east = Point::new(25.76, b.max_lon).unwrap();
        assert!(p.distance_m(&east) >= 4_999.0);
        assert!(b.min_lat < 25.76 && b.max_lat > 25.76);
    }

    #[test]
    fn invalid_points_are_refused() {
        assert_eq!(Point::new(91.0, 0.0), Err(InvalidPoint::Latitude(91.0)));
        assert!(Point::parse("abc").is_err());
        assert_eq!(Point::parse("51.5, -0.1").unwrap().lon(), -0.1);
        assert_eq!(format_distance(349.0), "350 m");
        assert_eq!(format_distance(2_449.0), "2.4 km");
    }
}
