#!/usr/bin/perl
# make_mmdb.pl OUTDIR - writes small MaxMind DB files for test_geoip:
#   OUTDIR/city.mmdb   (database_type Edgeward-Test-City)
#   OUTDIR/asn.mmdb    (database_type Edgeward-Test-ASN)
#   OUTDIR/other.mmdb  (database_type Edgeward-Test-Other, for the type check)
# Networks are public test ranges, with made-up owners.  Needs Debian's
# libmaxmind-db-writer-perl.
use strict;
use warnings;
use utf8;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: make_mmdb.pl OUTDIR\n";

my %types = (
    country                        => 'map',
    city                           => 'map',
    names                          => 'map',
    iso_code                       => 'utf8_string',
    en                             => 'utf8_string',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

sub tree {
    my ($type) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => 24,
        database_type            => $type,
        languages                => ['en'],
        description              => { en => "edgeward test $type" },
        map_key_type_callback    => sub { $types{ $_[0] } },
        remove_reserved_networks => 0,
    );
}

sub place {
    my ($iso, $country, $city) = @_;
    my %r = (country => { iso_code => $iso, names => { en => $country } });
    $r{city} = { names => { en => $city } } if defined $city;
    return \%r;
}

sub write_db {
    my ($t, $file) = @_;
    open my $fh, '>:raw', "$out/$file" or die "$out/$file: $!\n";
    $t->write_tree($fh);
    close $fh or die "$out/$file: $!\n";
}

my $city = tree('Edgeward-Test-City');
$city->insert_network('81.2.69.0/24', place('GB', 'United Kingdom', 'London'));
$city->insert_network('2001:4860::/32', place('US', 'United States'));
# A city name longer than struct geo_info holds, in two-byte characters.
$city->insert_network('89.160.20.0/24', place('SE', 'Sweden', "\x{dc}" x 30));
write_db($city, 'city.mmdb');

my $asn = tree('Edgeward-Test-ASN');
$asn->insert_network('81.2.69.0/24', { autonomous_system_number => 12345,
    autonomous_system_organization => 'Example Org' });
$asn->insert_network('2001:4860::/32', { autonomous_system_number => 15169,
    autonomous_system_organization => 'Example v6 Org' });
write_db($asn, 'asn.mmdb');

my $other = tree('Edgeward-Test-Other');
$other->insert_network('81.2.69.0/24', place('GB', 'United Kingdom'));
write_db($other, 'other.mmdb');
