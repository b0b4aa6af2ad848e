#include "util/self_signed_certificate.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <string>

#include "util/openssl_handles.h"

namespace interactiond::util {
namespace {

std::string CommonName(X509_NAME* name) {
  std::array<char, 256> cn{};
  X509_NAME_get_text_by_NID(name, NID_commonName, cn.data(), static_cast<int>(cn.size()));
  return cn.data();
}

int ValidityDays(X509* cert) {
  int days = 0, seconds = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert), X509_get0_notAfter(cert)),
            1);
  return days;
}

TEST(SelfSignedCertificateTest, RsaWithSubjectKeyIdentifierAndNoSans) {
  SelfSignedCertificate generated = GenerateSelfSignedCertificate({
      .key_type = KeyType::kRsa2048,
      .common_name = "rsa test",
      .validity_days = 30,
      .subject_key_identifier = true,
  });
  EXPECT_NE(generated.private_key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  X509Ptr cert = ParseCertificatePem(generated.certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(EVP_PKEY_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(CommonName(X509_get_subject_name(cert.get())), "rsa test");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
  EXPECT_EQ(ValidityDays(cert.get()), 30);
  EXPECT_LE(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_get_ext_count(cert.get()), 3);
  EXPECT_GE(X509_get_ext_by_NID(cert.get(), NID_subject_key_identifier, -1), 0);
  EXPECT_LT(X509_get_ext_by_NID(cert.get(), NID_subject_alt_name, -1), 0);
  EXPECT_LT(X509_get_ext_by_NID(cert.get(), NID_ext_key_usage, -1), 0);
  EXPECT_EQ(X509_get_extension_flags(cert.get()) & EXFLAG_CA, 0u);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(CertificateMatchesKey(generated.certificate_pem, generated.private_key_pem));
}

TEST(SelfSignedCertificateTest, P256ServerCertificateWithSans) {
  SelfSignedCertificate generated = GenerateSelfSignedCertificate({
      .key_type = KeyType::kEcP256,
      .common_name = "localhost",
      .subject_alt_names = {"DNS:localhost", "IP:127.0.0.1"},
      .validity_days = 825,
      .backdate_seconds = 60,
      .extended_key_usage = "serverAuth",
  });
  X509Ptr cert = ParseCertificatePem(generated.certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(EVP_PKEY_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 256);
  EXPECT_EQ(CommonName(X509_get_subject_name(cert.get())), "localhost");
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
  // 825 days plus the 60 s backdate.
  EXPECT_EQ(ValidityDays(cert.get()), 825);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_LT(X509_get_ext_by_NID(cert.get(), NID_subject_key_identifier, -1), 0);
  EXPECT_EQ(X509_get_ext_count(cert.get()), 4);
  EXPECT_TRUE(CertificateMatchesKey(generated.certificate_pem, generated.private_key_pem));
}

TEST(SelfSignedCertificateTest, EachCallMakesANewKeyAndSerial) {
  const SelfSignedCertificateOptions options{
      .key_type = KeyType::kEcP256, .common_name = "x", .validity_days = 1};
  SelfSignedCertificate a = GenerateSelfSignedCertificate(options);
  SelfSignedCertificate b = GenerateSelfSignedCertificate(options);
  EXPECT_NE(a.private_key_pem, b.private_key_pem);
  X509Ptr ca = ParseCertificatePem(a.certificate_pem);
  X509Ptr cb = ParseCertificatePem(b.certificate_pem);
  ASSERT_TRUE(ca && cb);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(cb.get())),
            0);
  EXPECT_FALSE(CertificateMatchesKey(a.certificate_pem, b.private_key_pem));
  EXPECT_FALSE(CertificateMatchesKey(b.certificate_pem, a.private_key_pem));
}

TEST(SelfSignedCertificateTest, MatchesKeyIsFalseForGarbageAndLeavesNoError) {
  SelfSignedCertificate generated = GenerateSelfSignedCertificate(
      {.key_type = KeyType::kEcP256, .common_name = "x", .validity_days = 1});
  EXPECT_FALSE(CertificateMatchesKey("not a certificate", generated.private_key_pem));
  EXPECT_FALSE(CertificateMatchesKey(generated.certificate_pem, "not a key"));
  EXPECT_FALSE(CertificateMatchesKey("", ""));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace interactiond::util
