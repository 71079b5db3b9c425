//! Pagination: every list in Korrigo is paginated, with the same defaults everywhere.

use serde::Serialize;

/// A requested page of a list: 1-based page number and page size (default 50, at most 500).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// The 1-based page number.
    pub page: u32,
    /// The number of items per page.
    pub per_page: u32,
}

impl PageRequest {
    /// The page size when none is asked for.
    pub const DEFAULT_PER_PAGE: u32 = 50;
    /// The largest page size served.
    pub const MAX_PER_PAGE: u32 = 500;

    /// Builds a page request from optional query parameters, clamping out-of-range values
    /// (page 0 becomes page 1, a page size above the maximum becomes the maximum).
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> PageRequest {
        PageRequest {
            page: page.unwrap_or(1).max(1),
            per_page: per_page
                .unwrap_or(Self::DEFAULT_PER_PAGE)
                .clamp(1, Self::MAX_PER_PAGE),
        }
    }

    /// The number of items to skip.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// The number of items to take.
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::new(None, None)
    }
}

/// One page of a list, with the total count of items matching the filters.
#[derive(Clone, Debug, Serialize)]
pub struct Paged<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The number of items matching the filters, on all pages.
    pub total: i64,
    /// The 1-based page number.
    pub page: u32,
    /// The page size.
    pub per_page: u32,
}

impl<T> Paged<T> {
    /// The number of pages (at least 1, so that an empty list still has its one empty page).
    pub fn pages(&self) -> i64 {
        ((self.total + i64::from(self.per_page) - 1) / i64::from(self.per_page)).max(1)
    }

    /// Converts every item, keeping the counts.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_requests_are_clamped() {
        let p = PageRequest::new(None, None);
        assert_eq!((p.page, p.per_page, p.offset()), (1, 50, 0));
        let p = PageRequest::new(Some(0), Some(10_000));
        assert_eq!((p.page, p.per_page), (1, 500));
        let p = PageRequest::new(Some(3), Some(20));
        assert_eq!(p.offset(), 40);
    }

    #[test]
    fn page_count() {
        let paged = |total| Paged::<()> {
            items: vec![],
            total,
            page: 1,
            per_page: 50,
        };
        assert_eq!(paged(0).pages(), 1);
        assert_eq!(paged(50).pages(), 1);
        assert_eq!(paged(51).pages(), 2);
    }
}
