#include "hearth/util/strings.hpp"

#include <gtest/gtest.h>
TEST(Strings, EscapesXml) {
    EXPECT_EQ(hearth::xml_escape("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&apos;");
}
