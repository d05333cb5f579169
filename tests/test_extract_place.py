

def test_a_border_port_named_for_no_division_is_its_banners(tmp_path):
    from zhibiao.extraction import extract_file

    doc = tmp_path / "2026_包头市_政府工作报告.txt"
    doc.write_text("包头市政府工作报告\n一、2025年工作回顾\n满都拉口岸过货量达到1180万吨、增长8.2%。\n", encoding="utf-8")
    facts = extract_file(doc)[1]
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [("150223", "PORT_FREIGHT", 1180)]
