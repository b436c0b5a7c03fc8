//! The taxonomy as the index needs it: each term's parent and name, so that a service filed under
//! "Walking groups" is also found under "Physical activity" and "Health and wellbeing".

use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
struct Node {
    parent: Option<String>,
    name: String,
}

/// Taxonomy terms by id, built from `(id, parent_id, name)` triples.
#[derive(Clone, Debug, Default)]
pub struct TaxonomyTree {
    terms: HashMap<String, Node>,
}

impl TaxonomyTree {
    pub fn new<I, A, B, C>(terms: I) -> Self
    where
        I: IntoIterator<Item = (A, Option<B>, C)>,
        A: Into<String>,
        B: Into<String>,
        C: Into<String>,
    {
        let mut tree = TaxonomyTree::default();
        for (id, parent, name) in terms {
            tree.insert(id, parent.map(Into::into), name);
        }
        tree
    }

    pub fn insert(&mut self, id: impl Into<String>, parent_id: Option<String>, name: impl Into<String>) {
        let parent = parent_id.filter(|p| !p.is_empty());
        self.terms.insert(id.into(), Node { parent, name: name.into() });
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.terms.contains_key(id)
    }

    pub fn name(&self, id: &str) -> Option<&str> {
        self.terms.get(id).map(|n| n.name.as_str())
    }

    pub fn parent(&self, id: &str) -> Option<&str> {
        self.terms.get(id).and_then(|n| n.parent.as_deref())
    }

    /// The term's ancestors, nearest first (parent, grandparent, ... root); not the term itself.
    /// A parent missing from the tree ends the chain after it; a cycle (bad data) ends it too.
    pub fn ancestors(&self, id: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut current = self.parent(id);
        while let Some(p) = current {
            if p == id || out.contains(&p) {
                break;
            }
            out.push(p);
            current = self.parent(p);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_nearest_first_and_cycle_safe() {
        let t = TaxonomyTree::new([
            ("health", None, "Health"),
            ("active", Some("health"), "Physical activity"),
            ("walk", Some("active"), "Walking groups"),
            ("a", Some("b"), "A"),
            ("b", Some("a"), "B"),
        ]);
        assert_eq!(t.ancestors("walk"), vec!["active", "health"]);
        assert!(t.ancestors("health").is_empty());
        assert_eq!(t.ancestors("a"), vec!["b"]);
        assert_eq!(t.name("walk"), Some("Walking groups"));
        assert!(t.ancestors("unknown").is_empty());
    }
}
