#include "hearth/doctor/access.hpp"

#include <gtest/gtest.h>

namespace hearth::doctor {
namespace {

const UserIds kHearth{"hearth", 120, {120, 44}}; // primary group 120, also in group 44 (video)

Entry folder(const char* path, uid_t owner, gid_t group, mode_t mode, const char* group_name = "") {
    return {path, owner, group, group_name, mode};
}

TEST(GrantedBits, OwnerClassElseGroupClassElseOther) {
    EXPECT_EQ(granted_bits(folder("/a", 120, 0, 0705), kHearth), 7u);
    EXPECT_EQ(granted_bits(folder("/a", 120, 120, 0077), kHearth), 0u); // owner bits only, even if group may
    EXPECT_EQ(granted_bits(folder("/a", 1000, 44, 0750), kHearth), 5u); // supplementary group
    EXPECT_EQ(granted_bits(folder("/a", 1000, 1000, 0751), kHearth), 1u);
    EXPECT_EQ(granted_bits(folder("/a", 1000, 1000, 0000), UserIds{"root", 0, {0}}), 7u);
}

TEST(MayRead, FoldersNeedReadAndSearchFilesOnlyRead) {
    EXPECT_TRUE(may_read(folder("/f", 1000, 1000, 0644), kHearth, false));
    EXPECT_FALSE(may_read(folder("/f", 1000, 1000, 0600), kHearth, false));
    EXPECT_TRUE(may_read(folder("/d", 1000, 1000, 0755), kHearth, true));
    EXPECT_FALSE(may_read(folder("/d", 1000, 1000, 0754), kHearth, true)); // r without x
    EXPECT_FALSE(may_read(folder("/d", 1000, 1000, 0751), kHearth, true)); // x without r
}

TEST(FirstDenial, AncestorsNeedSearchTheFolderReadAndSearch) {
    std::vector<Entry> chain = {folder("/", 0, 0, 0755), folder("/home", 0, 0, 0755),
                                folder("/home/alice", 1000, 1000, 0700),
                                folder("/home/alice/Videos", 1000, 1000, 0755)};
    auto d = first_denial(chain, kHearth);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->entry.path, "/home/alice");
    EXPECT_EQ(d->missing, 1u);
    EXPECT_FALSE(d->is_target);

    chain[2].mode = 0711; // search only is enough to pass through
    EXPECT_FALSE(first_denial(chain, kHearth));

    chain[3].mode = 0700;
    d = first_denial(chain, kHearth);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->is_target);
    EXPECT_EQ(d->missing, 5u);
}

TEST(Explain, SuggestsTheGroupWhenTheGroupMay) {
    Denial d{folder("/srv/media", 0, 44, 0750, "video"), 5, true};
    UserIds outsider{"hearth", 120, {120}};
    auto e = explain(d, outsider, "/srv/media");
    EXPECT_EQ(e.text, "media folder /srv/media: user hearth cannot read and enter it");
    EXPECT_EQ(e.hint, "add the user to the folder's group: usermod -aG video hearth (then restart Hearth)");
}

TEST(Explain, SuggestsAnAclOrChmodOtherwise) {
    UserIds outsider{"hearth", 120, {120}};
    auto target = explain({folder("/srv/media", 0, 0, 0700), 5, true}, outsider, "/srv/media");
    EXPECT_EQ(target.hint,
              "give it access: setfacl -R -m u:hearth:rX /srv/media (or chmod -R o+rX /srv/media)");
    auto above = explain({folder("/home/alice", 1000, 1000, 0700), 1, false}, outsider, "/home/alice/Videos");
    EXPECT_EQ(above.text, "media folder /home/alice/Videos: user hearth cannot enter /home/alice");
    EXPECT_EQ(above.hint,
              "let it pass through: setfacl -m u:hearth:x /home/alice (or chmod o+x /home/alice)");
}

} // namespace
} // namespace hearth::doctor
