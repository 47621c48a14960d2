//! Properties of the whole pipeline on random news-like text: it never
//! panics, facts come in text order, and every fact's offsets are in range
//! and slice back to the fact (whitespace aside) in the original.

use proptest::prelude::*;
use zhfacts::Pipeline;

/// Fragments that make numbers, units, dates and breaks likely.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("总投资".to_string()),
        Just("600".to_string()),
        Just("４．７１".to_string()),
        Just("亿元".to_string()),
        Just("萬".to_string()),
        Just("美元".to_string()),
        Just("%".to_string()),
        Just("％".to_string()),
        Just("个百分点".to_string()),
        Just("近千".to_string()),
        Just("三千五百".to_string()),
        Just("多".to_string()),
        Just("余".to_string()),
        Just("至".to_string()),
        Just("-".to_string()),
        Just("年".to_string()),
        Just("8月7日".to_string()),
        Just("去年同期".to_string()),
        Just("上半年".to_string()),
        Just("每人每月".to_string()),
        Just("由".to_string()),
        Just("提高到".to_string()),
        Just("增长".to_string()),
        Just("个".to_string()),
        Just("名".to_string()),
        Just("，".to_string()),
        Just("。".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("　　".to_string()),
        Just("第10版".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("𬀩".to_string()),
        Just("盤錦發展".to_string()),
        // The words of the rules for ROC years, holidays, index and basis
        // points, two-unit durations, rates and changes over an object.
        Just("民國".to_string()),
        Just("元年".to_string()),
        Just("中秋".to_string()),
        Just("双11".to_string()),
        Just("节".to_string()),
        Just("假期".to_string()),
        Just("沪指收报".to_string()),
        Just("点".to_string()),
        Just("个基点".to_string()),
        Just("下午".to_string()),
        Just("小时".to_string()),
        Just("分钟".to_string()),
        Just("每千人口".to_string()),
        Just("、".to_string()),
        Just("分别调整为".to_string()),
        Just("下调存款准备金率".to_string()),
        Just("人民币".to_string()),
        "[0-9]{1,6}",
        "[一二三四五六七八九十百千万亿零两]{1,4}",
        "\\PC{0,3}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn facts_slice_back_into_the_original(text in document()) {
        let pipeline = Pipeline::with_ref_date(zhfacts::Date::parse("2020-12-10"));
        let (doc, facts) = pipeline.run("p", text.clone(), None);
        let chars: Vec<char> = doc.original.chars().collect();
        // Page furniture moved out of a sentence stays inside the span of a
        // fact it interrupted; it is not part of the fact's text.
        let mut furniture = vec![false; chars.len()];
        for p in doc.paragraphs.iter().filter(|p| p.kind == zhfacts::document::ParagraphKind::Furniture) {
            let first = doc.text[..p.range.start].chars().count();
            let count = doc.text[p.range.clone()].chars().count();
            for i in first..first + count {
                let (s, e) = doc.map.span(i);
                furniture[s..e].iter_mut().for_each(|f| *f = true);
            }
        }
        let mut last = 0;
        for f in &facts {
            prop_assert!(f.start < f.end && f.end <= chars.len(), "{f:?} out of range in {text:?}");
            prop_assert!(f.start >= last || f.index == 0, "facts out of order in {text:?}");
            last = f.start;
            let slice: String = (f.start..f.end).filter(|&i| !furniture[i]).map(|i| chars[i]).collect();
            let normalized: String = zhfacts::normalize::normalize(&slice)
                .text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let fact_text: String = f.text.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(normalized, fact_text, "in {:?}", text);
        }
    }

    #[test]
    fn any_string_runs_without_panicking(text in "\\PC{0,200}") {
        let (_, facts) = Pipeline::default().run("p", text, None);
        for f in facts {
            prop_assert!(f.start <= f.end);
        }
    }
}
